"""The registry files under content/data/ as admins edit them through the CMS: listed, read, and saved
only when the whole site still validates with the new text (a mixin of ContentService)."""

from __future__ import annotations

from pathlib import Path

from wenming.cms.accounts import User
from wenming.cms.errors import CmsError, InvalidEntry, StaleVersion
from wenming.cms.repository import Change, file_version

DATA_SUFFIXES = (".yml", ".yaml", ".csv")


class RegistryFiles:
    """Needs from its host: ``content_dir``, ``repository``, ``checker``, ``worker``, ``require`` and ``_commit``."""

    def data_files(self, user: User) -> list[str]:
        self.require(user, "registry")
        data = self.content_dir / "data"
        return sorted(p.relative_to(data).as_posix() for p in data.rglob("*")
                      if p.is_file() and p.suffix in DATA_SUFFIXES)

    def _data_path(self, name: str) -> Path:
        data = (self.content_dir / "data").resolve()
        path = (data / name).resolve()
        if not path.is_relative_to(data) or path.suffix not in DATA_SUFFIXES or not path.is_file():
            raise CmsError("cms.unknown_data_file", 404, name=name)
        return path

    def data_file(self, user: User, name: str) -> dict:
        self.require(user, "registry")
        path = self._data_path(name)
        data = path.read_bytes()
        return {"name": name, "text": data.decode("utf-8", errors="replace"), "version": file_version(data)}

    def save_data_file(self, user: User, name: str, text: str, version: str) -> dict:
        self.require(user, "registry")
        with self.repository.lock():
            path = self._data_path(name)
            if file_version(path.read_bytes()) != version:
                raise StaleVersion(self.data_file(user, name))
            errors = self.checker.check_data_file(path, text)
            if errors:
                raise InvalidEntry(errors)
            self._commit(user, [Change(path, text.encode("utf-8"))], f"修改登记表：{name}", "registry", None, None,
                         detail=name)
        self.worker.request()
        return self.data_file(user, name)
