"""Privacy guard: finds resident ID numbers and mainland mobile numbers in public text.

Every file under content/ is scanned: the front matter and body of content files, every value of
the YAML data files and the cells of the CSV data files. A finding is an error (E801, E802).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import render
from wenming.source.yamlsource import Loc, YamlDocument

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Digits may be grouped with spaces or hyphens by a careless editor: 6101 2319 ...
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d(?:[ -]?\d){16}[ -]?[\dXx])(?![0-9A-Za-z])")
_MOBILE_CANDIDATE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d){8})(?!\d)")


@dataclasses.dataclass(frozen=True)
class PrivacyFinding:
    kind: str  # "id_number" | "mobile"
    line_offset: int  # 0-based line within the scanned text
    masked: str

    @property
    def code(self) -> str:
        return "E801" if self.kind == "id_number" else "E802"

    @property
    def message(self) -> str:
        return render(self.code, {"masked": self.masked})

    def report(self, diagnostics: Diagnostics, path: Path | str, line: int | None, field: str | None) -> None:
        diagnostics.add(self.code, path, line=line, field=field, masked=self.masked)


def is_resident_id(number: str) -> bool:
    """True for an 18-character PRC resident ID with a valid birth date and checksum."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "***"


def scan_text(text: str) -> list[PrivacyFinding]:
    """All ID numbers (valid checksum) and mobile numbers in ``text``."""
    findings: list[PrivacyFinding] = []
    for match in _ID_CANDIDATE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(1))
        if is_resident_id(digits):
            findings.append(PrivacyFinding("id_number", text.count("\n", 0, match.start()), _mask(digits)))
    for match in _MOBILE_CANDIDATE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(1))
        findings.append(PrivacyFinding("mobile", text.count("\n", 0, match.start()), _mask(digits)))
    return findings


def _scalars(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text and number in a parsed YAML value (an unquoted phone number is read as a number)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield loc, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield loc + (str(key),), str(key)
            yield from _scalars(item, loc + (str(key),))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _scalars(item, loc + (index,))


def report_private_values(diagnostics: Diagnostics, path: Path, doc: YamlDocument) -> None:
    """Report every ID or mobile number among the values of ``doc``."""
    for loc, text in _scalars(doc.data):
        for finding in scan_text(text):
            finding.report(diagnostics, path, doc.line_of(loc) if loc else None,
                           ".".join(map(str, loc)) or None)


def report_private_text(diagnostics: Diagnostics, path: Path, text: str, first_line: int = 1,
                        field: str | None = None) -> None:
    """Report every ID or mobile number in ``text`` (starting at ``first_line``)."""
    for finding in scan_text(text):
        finding.report(diagnostics, path, first_line + finding.line_offset, field)
