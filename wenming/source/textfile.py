"""Decoding content files: UTF-8 (with or without BOM), CRLF, and Windows GBK files."""

from __future__ import annotations

import dataclasses
import re

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@dataclasses.dataclass(frozen=True)
class DecodedText:
    text: str
    warning: str | None = None


class UndecodableFile(ValueError):
    """The bytes are neither UTF-8 nor a plausible GBK/GB18030 text."""


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
        warning = "file is saved as UTF-16; it was decoded, but please save it as UTF-8"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _decode_gb18030(data)
            if text is None:
                line = _line_of_offset(data, exc.start)
                raise UndecodableFile(
                    f"line {line}: byte 0x{data[exc.start]:02x} is not valid UTF-8 and the file "
                    "is not GBK/GB18030 Chinese text either; save the file as UTF-8"
                ) from None
            warning = ("file is saved as GBK/GB18030 (e.g. by a Windows editor); it was decoded, "
                       "but please save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, warning)


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
