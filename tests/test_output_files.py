"""Writing generated files (wenming.output): folders made as needed, a file in the way is an error."""

from __future__ import annotations

import pytest

from wenming.output import write_bytes, write_text


def test_a_file_is_written_with_the_folders_it_needs(tmp_path):
    path = write_bytes(tmp_path, "api/news/a.json", b"{}\n")
    assert path == tmp_path / "api" / "news" / "a.json"
    assert path.read_bytes() == b"{}\n"
    write_text(tmp_path, "api/news/b.json", "“中文”\n")  # the folder is there now
    assert (tmp_path / "api" / "news" / "b.json").read_bytes() == "“中文”\n".encode()


def test_a_file_written_again_is_replaced_whole(tmp_path):
    write_bytes(tmp_path, "feeds/all.xml", b"a much longer first version")
    write_bytes(tmp_path, "feeds/all.xml", b"short")
    assert (tmp_path / "feeds" / "all.xml").read_bytes() == b"short"


def test_a_file_where_a_folder_should_be_is_an_error(tmp_path):
    (tmp_path / "api").write_text("not a folder", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        write_bytes(tmp_path, "api/news/a.json", b"{}")
    assert (tmp_path / "api").read_text(encoding="utf-8") == "not a folder"
