"""Running the CMS: the content service, the background build worker and the web app in one process.

Builds run in this process with the same incremental pipeline as ``build.py build``, so what the last
build left in memory (the model, the templates) serves the previews.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
import uvicorn.config
from fastapi import FastAPI

from wenming.build.pipeline import BuildResult, KeptCaches, build
from wenming.cms.accounts import AccountStore, default_database
from wenming.cms.app import create_app
from wenming.cms.builds import BuildWorker
from wenming.cms.checker import ContentChecker
from wenming.cms.preview import Previewer
from wenming.cms.repository import Repository
from wenming.cms.service import ContentService

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Cms:
    app: FastAPI
    service: ContentService
    accounts: AccountStore
    worker: BuildWorker


def make_cms(content_dir: Path, output_dir: Path, database: Path | None = None, *,
             accounts: AccountStore | None = None, secure_cookies: bool = False) -> Cms:
    """Everything the CMS needs, ready to serve; call ``worker.start()`` to begin publishing."""
    content_dir, output_dir = content_dir.resolve(), output_dir.resolve()
    accounts = accounts or AccountStore(database or default_database(content_dir))
    repository = Repository(content_dir)
    previewer = Previewer()
    first = threading.Event()
    memory = KeptCaches()  # rendered Markdown kept between this process's builds

    def warnings(result: BuildResult) -> list[str]:
        return [d.format() for d in result.diagnostics.warnings]

    def build_site(live: Callable[[list[str]], None]) -> list[str]:
        # The first build of the process always runs (force), so previews have its templates and model.
        began, was_first = time.monotonic(), not first.is_set()
        result = build(content_dir, output_dir, progress=lambda message: logger.info(
                           "build [%5.1f s] %s", time.monotonic() - began, message),
                       force=was_first, memory=memory, on_live=lambda done: live(warnings(done)))
        first.set()
        previewer.update(result.last)
        if was_first:  # the site is up: read the entries now rather than at the first list request
            threading.Thread(target=service.warm, name="cms-warm", daemon=True).start()
        return warnings(result)

    worker = BuildWorker(build_site, repository.head)
    service = ContentService(content_dir, accounts, repository, ContentChecker(content_dir), worker, previewer)
    return Cms(create_app(service, accounts, site_dir=output_dir / "site",
                                 secure_cookies=secure_cookies), service, accounts, worker)


def log_config() -> dict:
    """Uvicorn's logging, with this package's messages (each build's progress, what went live, what failed)
    on standard error at INFO, formatted as uvicorn's own."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["wenming"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(content_dir: Path, output_dir: Path, host: str, port: int, database: Path | None = None,
          secure_cookies: bool = False) -> None:
    cms = make_cms(content_dir, output_dir, database, secure_cookies=secure_cookies)
    cms.worker.start()
    cms.worker.request()
    try:
        uvicorn.run(cms.app, host=host, port=port, log_level="info", log_config=log_config())
    finally:
        cms.worker.stop()
