"""The CMS's git writer: atomic writes committed to git, exactly the given paths, undone completely on failure."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from pathlib import Path

import pytest

from wenming.cms.errors import CmsError
from wenming.cms.repository import Author, Change, GitFailed, Repository, file_version

EDITOR = Author("张三", "zhangsan@xixiang.example")
REVIEWER = Author("李四", "lisi@xixiang.example")


@pytest.fixture(autouse=True)
def no_global_git_identity(tmp_path, monkeypatch):
    """No user or system git configuration and no identity in the environment: the repository must pass its own."""
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(project), *args], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def plain_commit(project: Path, message: str, *paths: str) -> None:
    """A commit made with plain git, as a member of staff who uses git would (with a local identity)."""
    git(project, "config", "user.name", "Git User")
    git(project, "config", "user.email", "git@xixiang.example")
    git(project, "add", "--", *paths)
    git(project, "commit", "-q", "-m", message, "--", *paths)


def count(project: Path) -> int:
    return int(git(project, "rev-list", "--count", "HEAD"))


def head(project: Path) -> str:
    return git(project, "rev-parse", "HEAD").strip()


def names_in(project: Path, commit: str) -> list[str]:
    """The paths a commit changed, with their status letter, e.g. ['A\tcontent/news/a.md']."""
    listed = git(project, "show", "--no-renames", "--name-status", "-z", "--format=", commit).strip("\0\n")
    fields = listed.split("\0")
    return sorted(f"{status}\t{name}" for status, name in zip(fields[::2], fields[1::2]))


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "project"
    (folder / "content" / "news").mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    return folder


@pytest.fixture
def committed(project) -> Path:
    """A project with a first commit made with plain git: a report, a page and a file outside content/."""
    (project / "content" / "news" / "a.md").write_text("---\ntitle: 甲\n---\n正文\n", encoding="utf-8")
    (project / "content" / "news" / "other.md").write_text("其他\n", encoding="utf-8")
    (project / "README.md").write_text("说明\n", encoding="utf-8")
    plain_commit(project, "first", "content/news/a.md", "content/news/other.md", "README.md")
    return project


@pytest.fixture
def repo(committed) -> Repository:
    return Repository(committed / "content")


def test_a_commit_touches_exactly_its_paths_with_the_editor_as_author_and_a_chinese_message(committed, repo):
    before = head(committed)
    sha = repo.commit([Change(Path("news/a.md"), "---\ntitle: 甲（改）\n---\n新正文\n".encode()),
                       Change(committed / "content" / "news" / "西乡新闻.md", "新报道\n".encode())],
                      "新增报道：西乡县志愿服务（第 2 期）", EDITOR)
    assert sha == head(committed) == repo.head()
    assert count(committed) == 2 and git(committed, "rev-parse", "HEAD^").strip() == before
    assert names_in(committed, sha) == ["A\tcontent/news/西乡新闻.md", "M\tcontent/news/a.md"]
    logged = git(committed, "log", "-1", "--format=%an|%ae|%cn|%ce|%B").strip()
    assert logged == ("张三|zhangsan@xixiang.example|张三|zhangsan@xixiang.example|"
                      "新增报道：西乡县志愿服务（第 2 期）")
    assert (committed / "content/news/西乡新闻.md").read_bytes() == "新报道\n".encode()
    assert git(committed, "status", "--porcelain") == ""


def test_the_first_commit_of_an_empty_repository(project):
    repo = Repository(project / "content")
    assert repo.head() is None and repo.history(Path("news/a.md")) == []
    sha = repo.commit([Change(Path("news/a.md"), b"one\n")], "新增报道：甲", EDITOR)
    assert sha == head(project) and count(project) == 1
    assert names_in(project, sha) == ["A\tcontent/news/a.md"]


def test_a_new_file_in_a_new_folder_gets_the_usual_permissions(repo, committed):
    repo.commit([Change(Path("images/2024/photo.txt"), b"x")], "上传图片", EDITOR)
    assert (committed / "content/images/2024/photo.txt").stat().st_mode & 0o777 == 0o644


def test_other_uncommitted_work_stays_modified_staged_and_untracked(committed, repo):
    (committed / "README.md").write_text("改了但没提交\n", encoding="utf-8")
    (committed / "staged.txt").write_text("已暂存\n", encoding="utf-8")
    git(committed, "add", "staged.txt")
    other = committed / "content" / "news" / "other.md"
    other.write_text("暂存的修改\n", encoding="utf-8")
    git(committed, "add", "content/news/other.md")
    other.write_text("暂存之后又改了\n", encoding="utf-8")
    (committed / "content" / "news" / "untracked.md").write_text("未跟踪\n", encoding="utf-8")
    status, staged, unstaged = (git(committed, "status", "--porcelain", "-z"), git(committed, "diff", "--cached"),
                                git(committed, "diff"))

    sha = repo.commit([Change(Path("news/a.md"), "发布\n".encode())], "发布：甲", REVIEWER)

    assert names_in(committed, sha) == ["M\tcontent/news/a.md"]
    assert git(committed, "status", "--porcelain", "-z") == status
    assert git(committed, "diff", "--cached") == staged and "已暂存" in staged and "暂存的修改" in staged
    assert git(committed, "diff") == unstaged and "暂存之后又改了" in unstaged
    assert git(committed, "show", "HEAD:content/news/other.md") == "其他\n"


def test_deleting_a_file_commits_its_removal(committed, repo):
    sha = repo.commit([Change(Path("news/a.md"), None)], "删除：甲", REVIEWER)
    assert not (committed / "content/news/a.md").exists()
    assert names_in(committed, sha) == ["D\tcontent/news/a.md"]
    assert "content/news/a.md" not in git(committed, "ls-files")
    assert repo.version(Path("news/a.md")) is None
    assert [entry.message for entry in repo.history(Path("news/a.md"))] == ["删除：甲", "first"]


def test_writing_the_same_bytes_makes_no_commit(committed, repo):
    before = head(committed)
    data = (committed / "content/news/a.md").read_bytes()
    assert repo.commit([Change(Path("news/a.md"), data)], "保存：甲", EDITOR) == before
    assert count(committed) == 1 and git(committed, "status", "--porcelain") == ""


def test_a_file_put_back_to_its_committed_bytes_needs_no_commit_and_is_clean(committed, repo):
    committed_bytes = (committed / "content/news/a.md").read_bytes()
    (committed / "content/news/a.md").write_text("半路的修改\n", encoding="utf-8")
    assert repo.commit([Change(Path("news/a.md"), committed_bytes)], "保存：甲", EDITOR) == head(committed)
    assert count(committed) == 1 and git(committed, "status", "--porcelain") == ""


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("外面的文件\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["../x.md", "../../outside/secret.md", "news/../../README.md", "ABSOLUTE",
                                  "linked/secret.md", "news/evil.md", "linked", ".", ""])
def test_paths_that_lead_out_of_the_content_folder_are_refused(committed, repo, outside, name):
    (committed / "content" / "linked").symlink_to(outside)
    (committed / "content" / "news" / "evil.md").symlink_to(outside / "secret.md")
    path = outside / "secret.md" if name == "ABSOLUTE" else Path(name)
    before = head(committed)
    with pytest.raises(CmsError) as refused:
        repo.commit([Change(path, b"pwned\n")], "恶意", EDITOR)
    assert refused.value.status == 400
    with pytest.raises(CmsError):
        repo.version(path)
    assert (outside / "secret.md").read_text(encoding="utf-8") == "外面的文件\n"
    assert (committed / "README.md").read_text(encoding="utf-8") == "说明\n"
    assert head(committed) == before and not (committed / "x.md").exists()


def test_the_git_folder_cannot_be_written_even_when_the_content_folder_is_the_work_tree(committed):
    repo = Repository(committed)
    with pytest.raises(CmsError) as refused:
        repo.commit([Change(Path(".git/hooks/post-commit"), b"#!/bin/sh\necho pwned\n")], "恶意", EDITOR)
    assert refused.value.status == 400 and not (committed / ".git/hooks/post-commit").exists()


def test_a_refused_path_is_explained_in_chinese(repo, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    with pytest.raises(CmsError) as refused:
        repo.commit([Change(Path("../x.md"), b"x")], "恶意", EDITOR)
    assert str(refused.value) == ("文件路径“../x.md”不在内容文件夹里，不能读取或保存。请只使用内容文件夹里的文件名，"
                                  "不要用“..”、绝对路径或指向别处的链接。")


def install_hook(project: Path, name: str, script: str) -> None:
    hook = project / ".git" / "hooks" / name
    hook.write_text(script, encoding="utf-8")
    hook.chmod(0o755)


def snapshot(project: Path) -> dict[str, str]:
    """Everything a failed save must leave as it was."""
    return {"head": head(project), "count": str(count(project)), "status": git(project, "status", "--porcelain", "-z"),
            "staged": git(project, "diff", "--cached"), "unstaged": git(project, "diff"),
            "files": "\n".join(sorted(str(p.relative_to(project)) for p in project.rglob("*") if ".git" not in p.parts)),
            "a": (project / "content/news/a.md").read_text(encoding="utf-8")}


@pytest.fixture
def half_staged(committed) -> Path:
    """a.md has a staged change and a further unstaged one: its index entry differs from HEAD and from the file."""
    (committed / "content/news/a.md").write_text("暂存的版本\n", encoding="utf-8")
    git(committed, "add", "content/news/a.md")
    (committed / "content/news/a.md").write_text("工作区的版本\n", encoding="utf-8")
    return committed


def test_a_rejected_commit_leaves_files_index_and_head_exactly_as_before(half_staged, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    repo = Repository(half_staged / "content")
    install_hook(half_staged, "pre-commit", "#!/bin/sh\necho '提交前检查没有通过' >&2\nexit 1\n")
    before = snapshot(half_staged)
    with pytest.raises(CmsError) as failed:
        repo.commit([Change(Path("news/a.md"), "新内容\n".encode()), Change(Path("news/2024/05/b.md"), b"b\n"),
                     Change(Path("news/other.md"), None)], "新增报道：乙", EDITOR)
    assert failed.value.status == 503
    assert "提交前检查没有通过" in str(failed.value) and "所有文件已恢复为保存前的样子" in str(failed.value)
    assert snapshot(half_staged) == before
    assert not (half_staged / "content/news/2024").exists()
    assert git(half_staged, "diff", "--cached", "--name-only") == "content/news/a.md\n"


class DiesAfterCommitting(Repository):
    """A repository whose git fails right after the commit was made (as a full disk or a crash would)."""

    def _git(self, *args, **kwargs):
        result = super()._git(*args, **kwargs)
        if args[0] == "commit":
            raise GitFailed("git commit: fatal: unable to write new index file")
        return result


def test_a_commit_made_before_a_failure_is_undone(half_staged):
    repo = DiesAfterCommitting(half_staged / "content")
    before = snapshot(half_staged)
    with pytest.raises(CmsError) as failed:
        repo.commit([Change(Path("news/a.md"), "新内容\n".encode())], "发布：甲", REVIEWER)
    assert failed.value.status == 503 and "unable to write new index file" in str(failed.value)
    assert snapshot(half_staged) == before


def test_a_failed_first_commit_leaves_the_repository_empty(project):
    install_hook(project, "pre-commit", "#!/bin/sh\nexit 1\n")
    repo = Repository(project / "content")
    with pytest.raises(CmsError):
        repo.commit([Change(Path("news/a.md"), b"a\n")], "新增报道：甲", EDITOR)
    assert repo.head() is None and not (project / "content/news/a.md").exists()
    assert git(project, "status", "--porcelain") == ""


def test_twenty_commits_from_ten_threads_give_a_linear_history_and_intact_files(committed, repo):
    written: dict[str, bytes] = {}
    shas: list[str] = []

    def editor(thread: int) -> None:
        for turn in range(2):
            data = f"---\ntitle: 线程{thread}第{turn}次\n---\n{'正文' * 200}\n".encode()
            name = f"news/t{thread}-{turn}.md"
            written[name] = data
            shas.append(repo.commit([Change(Path(name), data), Change(Path("news/shared.md"), data)],
                                    f"新增报道：线程{thread}第{turn}次", Author(f"编辑{thread}", f"e{thread}@x.example")))

    threads = [threading.Thread(target=editor, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert count(committed) == 21 and git(committed, "rev-list", "--merges", "HEAD") == ""
    assert sorted(shas) == sorted(git(committed, "rev-list", "--max-count=20", "HEAD").split())
    assert git(committed, "status", "--porcelain") == ""
    for name, data in written.items():
        assert (committed / "content" / name).read_bytes() == data
        assert git(committed, "show", f"HEAD:content/{name}").encode() == data
    assert (committed / "content/news/shared.md").read_bytes() in written.values()


def test_the_lock_holds_other_writers_off_and_is_reentrant(committed, repo):
    before = head(committed)
    other = threading.Thread(target=repo.commit, args=([Change(Path("news/b.md"), b"b\n")], "乙", EDITOR))
    with repo.lock():
        other.start()
        repo.commit([Change(Path("news/a.md"), b"a\n")], "甲", EDITOR)
        other.join(0.2)
        assert other.is_alive() and git(committed, "rev-parse", "HEAD^").strip() == before
    other.join()
    assert [entry.message for entry in repo.history(Path("news/b.md"))] == ["乙"] and count(committed) == 3


def test_history_lists_the_commits_of_one_file_newest_first_and_follows_renames(committed, repo):
    repo.commit([Change(Path("news/a.md"), b"v2\n")], "修改：甲", EDITOR)
    repo.commit([Change(Path("news/other.md"), b"unrelated\n")], "修改：其他", EDITOR)
    git(committed, "mv", "content/news/a.md", "content/news/renamed.md")
    git(committed, "commit", "-q", "-m", "改名", "--", "content/news/a.md", "content/news/renamed.md")
    repo.commit([Change(Path("news/renamed.md"), b"v3\n")], "发布：甲", REVIEWER)

    entries = repo.history(Path("news/renamed.md"))
    assert [(e.message, e.author, e.email) for e in entries] == [
        ("发布：甲", "李四", "lisi@xixiang.example"), ("改名", "Git User", "git@xixiang.example"),
        ("修改：甲", "张三", "zhangsan@xixiang.example"), ("first", "Git User", "git@xixiang.example")]
    assert entries[0].commit == head(committed) and entries[0].date.utcoffset() is not None
    assert [e.message for e in repo.history(Path("news/renamed.md"), limit=2)] == ["发布：甲", "改名"]
    assert repo.history(Path("news/never.md")) == []


def test_version_is_the_hash_of_the_bytes_and_sees_changes_made_behind_the_repositorys_back(committed, repo):
    report = committed / "content/news/a.md"
    assert repo.version(Path("news/a.md")) == hashlib.sha256(report.read_bytes()).hexdigest()
    assert repo.version(Path("news/missing.md")) is None
    repo.commit([Change(Path("news/a.md"), b"v2\n")], "修改：甲", EDITOR)
    assert repo.version(report) == file_version(b"v2\n")
    report.write_bytes(b"changed with an editor\n")
    assert repo.version(Path("news/a.md")) == file_version(b"changed with an editor\n")


def test_a_folder_outside_any_repository_is_refused_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    (tmp_path / "plain" / "content").mkdir(parents=True)
    with pytest.raises(CmsError) as refused:
        Repository(tmp_path / "plain" / "content")
    assert "不在 git 仓库里" in str(refused.value) and "git init" in str(refused.value)


def test_no_temporary_files_are_left_behind(committed, repo):
    repo.commit([Change(Path("news/a.md"), b"v2\n"), Change(Path("news/b.md"), b"b\n")], "保存", EDITOR)
    leftovers = [name for name in os.listdir(committed / "content/news") if name.endswith(".tmp")]
    assert leftovers == []


def test_a_busy_index_fails_the_save_cleanly_and_says_why(committed, repo):
    before = snapshot(committed)
    (committed / ".git" / "index.lock").write_bytes(b"")
    with pytest.raises(CmsError) as failed:
        repo.commit([Change(Path("news/a.md"), b"v2\n"), Change(Path("news/new.md"), b"new\n")], "保存", EDITOR)
    assert failed.value.status == 503 and "index.lock" in str(failed.value)
    (committed / ".git" / "index.lock").unlink()
    assert snapshot(committed) == before
