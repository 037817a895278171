import pytest

from wenming.source.textfile import UndecodableFile, decode_content

TEXT = "---\ntitle: 城北街道开展宣讲活动\n---\n正文\n"


def test_utf8_with_bom_and_crlf_is_plain_text_without_warning():
    decoded = decode_content(("\ufeff" + TEXT.replace("\n", "\r\n")).encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.warning is None


def test_gbk_file_from_a_windows_editor_is_decoded_with_a_warning():
    decoded = decode_content(TEXT.encode("gbk"))
    assert decoded.text == TEXT
    assert "GBK" in decoded.warning and "UTF-8" in decoded.warning


def test_utf16_with_bom_is_decoded_with_a_warning():
    decoded = decode_content(TEXT.encode("utf-16"))
    assert decoded.text == TEXT
    assert "UTF-16" in decoded.warning


def test_binary_garbage_is_rejected_with_the_line_of_the_bad_byte():
    data = "---\ntitle: 好\n".encode() + bytes([0xFF, 0xFE, 0x80, 0x81, 0x00, 0x9F] * 3)
    with pytest.raises(UndecodableFile) as info:
        decode_content(b"x" + data)
    assert info.value.code == "E001" and info.value.line == 3
    assert str(info.value) == ("byte 0xff is not valid UTF-8 and the file is not GBK/GB18030 Chinese text either; "
                               "save the file as UTF-8")
