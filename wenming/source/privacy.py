"""Privacy guard: finds resident ID numbers and mainland mobile numbers in public text."""

from __future__ import annotations

import dataclasses
import datetime
import re

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
    def message(self) -> str:
        what = "a resident ID number" if self.kind == "id_number" else "a mobile phone number"
        return (
            f"contains {what} ({self.masked}); personal ID and phone numbers must never be "
            "published: remove it (use the center's public hotline for contact)"
        )


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
