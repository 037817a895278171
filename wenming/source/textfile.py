"""Decoding content files: UTF-8 (with or without BOM), CRLF, and Windows GBK files."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import render

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
UTF16_WARNING = "W001"
GBK_WARNING = "W002"


class SourceProblem(ValueError):
    """A problem with a file, as a catalog code, its parameters and the line (None: the whole file).

    ``str()`` is the English message; ``report`` records it as a diagnostic in the reader's language.
    """

    def __init__(self, code: str, line: int | None = None, **params: object) -> None:
        self.code, self.line, self.params = code, line, params
        super().__init__(render(code, params, "en"))

    def report(self, diagnostics: Diagnostics, path: Path | str, field: str | None = None) -> None:
        diagnostics.add(self.code, path, line=self.line, field=field, **self.params)


@dataclasses.dataclass(frozen=True)
class DecodedText:
    text: str
    warning_code: str | None = None  # W001 (UTF-16) or W002 (GBK), decoded but to be saved as UTF-8

    @property
    def warning(self) -> str | None:
        return render(self.warning_code) if self.warning_code else None


class UndecodableFile(SourceProblem):
    """The bytes are neither UTF-8 nor a plausible GBK/GB18030 text (code E001, at the bad byte's line)."""


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_content(data: bytes) -> DecodedText:
    """Decode file bytes to text with ``\\n`` line endings.

    UTF-8 (optionally with BOM) is the format; UTF-16 with a BOM and GB18030
    (a superset of GBK, what Windows editors in China save by default) are
    decoded with a warning when the result is plausible Chinese text.
    Anything else raises UndecodableFile with the line of the first bad byte.
    """
    warning = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        warning = UTF16_WARNING
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _decode_gb18030(data)
            if text is None:
                raise UndecodableFile("E001", _line_of_offset(data, exc.start), byte=f"{data[exc.start]:02x}") from None
            warning = GBK_WARNING
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, warning)


def read_text_file(path: Path, diagnostics: Diagnostics) -> str | None:
    """The decoded text of ``path``, or None when it cannot be read or decoded (reported)."""
    try:
        decoded = decode_content(path.read_bytes())
    except UndecodableFile as exc:
        exc.report(diagnostics, path)
        return None
    except OSError as exc:
        diagnostics.add("E002", path, reason=exc.strerror or str(exc))
        return None
    if decoded.warning_code:
        diagnostics.add(decoded.warning_code, path)
    return decoded.text


def _decode_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return text
    # Random bytes decode as GB18030 too; accept only text that is mostly common CJK.
    cjk = sum(1 for c in non_ascii if _CJK.match(c))
    return text if cjk / len(non_ascii) >= 0.9 else None
