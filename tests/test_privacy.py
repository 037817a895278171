import pytest

from wenming.source.privacy import is_resident_id, scan_text


def make_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


VALID_ID = make_id("61072419800101123")


def test_valid_checksum_and_birth_date_make_an_id():
    assert is_resident_id(VALID_ID)
    assert not is_resident_id(VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"))
    assert not is_resident_id(make_id("61072419801301123"))  # month 13


def test_id_with_x_checksum_is_found():
    number = next(make_id(f"61072419900101{i:03d}") for i in range(1000)
                  if make_id(f"61072419900101{i:03d}").endswith("X"))
    findings = scan_text(f"身份证号 {number.lower()} 已登记")
    assert [f.kind for f in findings] == ["id_number"]


@pytest.mark.parametrize("text", ["电话13812345678", "手机 138 1234 5678", "+86 13912345678", "tel:159-1234-5678"])
def test_mobile_numbers_are_found(text):
    assert [f.kind for f in scan_text(text)] == ["mobile"]


@pytest.mark.parametrize("text", [
    "服务热线 0916-6212345",
    "编号 202205120000000001",  # 18 digits, but not a valid ID
    "参加人数 1380 人，时长 12345678 小时",
    "slug 20220512-chengbei",
])
def test_ordinary_numbers_are_not_flagged(text):
    assert scan_text(text) == []


def test_findings_report_line_offsets_and_mask_the_number():
    findings = scan_text(f"第一行\n第二行 {VALID_ID}\n")
    assert findings[0].line_offset == 1
    assert VALID_ID not in findings[0].message and "1238" in findings[0].masked
