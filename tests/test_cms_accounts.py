"""The CMS account store: accounts, logins and their rate limit, sessions, the schema version, the audit log."""

from __future__ import annotations

import datetime
import sqlite3
import threading

import pytest
from argon2 import PasswordHasher

from wenming.cms.accounts import ROLES, AccountStore, Session, User, token_hash
from wenming.cms.errors import CmsError

START = datetime.datetime(2023, 6, 1, 9, 0, tzinfo=datetime.UTC)
PASSWORD = "correct horse"


def fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


class FakeClock:
    """A clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / ".cms" / "cms.sqlite3"


@pytest.fixture
def store(db_path, clock) -> AccountStore:
    return AccountStore(db_path, clock=clock, hasher=fast_hasher())


@pytest.fixture
def zhang(store) -> User:
    return store.add_user("zhang.san", PASSWORD, "editor", unit="城关镇", display_name="张三", email="zs@example.cn")


def refusal(call, *args, **kwargs) -> CmsError:
    with pytest.raises(CmsError) as caught:
        call(*args, **kwargs)
    return caught.value


# -- accounts --------------------------------------------------------------------------------

def test_the_database_and_its_folder_are_created_on_first_use(db_path, store):
    assert db_path.is_file()
    assert db_path.stat().st_mode & 0o077 == 0
    assert store.users() == []


def test_add_list_and_delete_users(store, zhang):
    admin = store.add_user("admin", "s3cret-admin", "admin")
    assert zhang == User(zhang.id, "zhang.san", "张三", "zs@example.cn", "editor", "城关镇")
    assert admin == User(admin.id, "admin", "admin", "", "admin", None)
    assert store.users() == [admin, zhang]
    assert store.user("zhang.san") == zhang
    store.delete_user("zhang.san")
    assert store.users() == [admin]
    assert store.user("zhang.san") is None


def test_reviewer_may_have_a_unit_and_every_role_is_accepted(store):
    for role in ROLES:
        store.add_user(f"user-{role}", PASSWORD, role, unit="县新时代文明实践中心")
    assert [(user.username, user.role) for user in store.users()] == [
        ("user-admin", "admin"), ("user-editor", "editor"), ("user-reviewer", "reviewer")]


def test_a_duplicate_username_is_refused_with_409(store, zhang):
    error = refusal(store.add_user, "zhang.san", "another password", "admin")
    assert (error.key, error.status) == ("cms.accounts.duplicate_user", 409)
    assert store.users() == [zhang]


@pytest.mark.parametrize("username", ["ab", "a" * 33, "Zhang", "zhang san", "张三", "zhang/../x", "zs\n", ""])
def test_invalid_usernames_are_refused(store, username):
    error = refusal(store.add_user, username, PASSWORD, "admin")
    assert (error.key, error.status) == ("cms.accounts.bad_username", 400)
    assert store.users() == []


def test_usernames_at_the_length_limits_are_accepted(store):
    store.add_user("a.b", PASSWORD, "admin")
    store.add_user("x" * 32, PASSWORD, "reviewer")
    assert [user.username for user in store.users()] == ["a.b", "x" * 32]


def test_an_editor_needs_a_unit(store):
    for unit in (None, "", "   "):
        error = refusal(store.add_user, "li.si", PASSWORD, "editor", unit=unit)
        assert (error.key, error.status) == ("cms.accounts.editor_needs_unit", 400)
    assert store.users() == []


def test_an_unknown_role_is_refused(store):
    error = refusal(store.add_user, "li.si", PASSWORD, "superuser")
    assert (error.key, error.status) == ("cms.accounts.unknown_role", 400)
    assert error.message == "“superuser” is not a role; choose one of admin, reviewer, editor"


def test_a_short_password_is_refused(store):
    error = refusal(store.add_user, "li.si", "1234567", "admin")
    assert (error.key, error.status, error.params) == ("cms.accounts.short_password", 400, {"minimum": 8})
    store.add_user("li.si", "12345678", "admin")
    assert store.user("li.si") is not None


def test_bad_email_and_display_name_are_refused(store):
    assert refusal(store.add_user, "li.si", PASSWORD, "admin", email="not an email").key == "cms.accounts.bad_email"
    error = refusal(store.add_user, "li.si", PASSWORD, "admin", display_name="张\n三")
    assert error.key == "cms.accounts.bad_display_name"
    assert store.users() == []


def test_unknown_users_cannot_be_deleted_or_given_a_password(store):
    for call in (lambda: store.delete_user("nobody"), lambda: store.set_password("nobody", PASSWORD)):
        error = refusal(call)
        assert (error.key, error.status) == ("cms.accounts.unknown_user", 404)


def test_refusals_are_explained_in_chinese(store, zhang, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert str(refusal(store.add_user, "zhang.san", PASSWORD, "admin")) == "用户名“zhang.san”已经有人使用了。请换一个用户名。"
    assert str(refusal(store.add_user, "Li", PASSWORD, "admin")) == (
        "“Li”不能用作用户名。用户名需要 3 到 32 个字符，只能使用小写英文字母、数字和“_”“.”“-”，例如 zhang.san。")
    assert str(refusal(store.add_user, "li.si", "short", "admin")) == (
        "密码太短：至少需要 8 个字符。请换一个更长、不容易被猜到的密码。")
    assert "必须属于一个单位" in str(refusal(store.add_user, "li.si", PASSWORD, "editor"))


# -- logging in ------------------------------------------------------------------------------

def test_login_returns_a_session_for_the_user(store, zhang, clock):
    session = store.login("zhang.san", PASSWORD, "10.0.0.1")
    assert isinstance(session, Session)
    assert session.user == zhang
    assert session.expires_at == START + datetime.timedelta(hours=8)
    assert len(session.token) >= 43 and len(session.csrf_token) >= 43 and session.token != session.csrf_token
    assert store.session(session.token) == session


def test_each_login_gets_its_own_tokens(store, zhang):
    first, second = (store.login("zhang.san", PASSWORD, "10.0.0.1") for _ in range(2))
    assert first.token != second.token and first.csrf_token != second.csrf_token
    assert store.session(first.token).user == store.session(second.token).user == zhang


def test_wrong_password_and_unknown_user_get_the_same_answer(store, zhang, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    wrong_password = refusal(store.login, "zhang.san", "wrong password", "10.0.0.1")
    unknown_user = refusal(store.login, "wang.wu", PASSWORD, "10.0.0.2")
    assert (wrong_password.key, wrong_password.status, str(wrong_password)) == (
        unknown_user.key, unknown_user.status, str(unknown_user))
    assert wrong_password.status == 401
    assert str(wrong_password).startswith("用户名或密码不正确")


def test_an_unknown_user_is_checked_against_a_dummy_hash(db_path, clock):
    verified = []

    class RecordingHasher(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash)
            return super().verify(hash, password)

    store = AccountStore(db_path, clock=clock, hasher=RecordingHasher(time_cost=1, memory_cost=8192))
    refusal(store.login, "nobody", PASSWORD, "10.0.0.1")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_passwords_are_stored_as_argon2id_hashes(db_path, store, zhang):
    with sqlite3.connect(db_path) as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_hash_made_with_old_parameters_is_replaced_at_login(db_path, clock, zhang):
    stronger = PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1)
    store = AccountStore(db_path, clock=clock, hasher=stronger)
    store.login("zhang.san", PASSWORD, "10.0.0.1")
    with sqlite3.connect(db_path) as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert not stronger.check_needs_rehash(stored)
    assert store.login("zhang.san", PASSWORD, "10.0.0.1").user == zhang


def test_the_username_is_matched_without_case_or_surrounding_spaces(store, zhang):
    assert store.login(" Zhang.San ", PASSWORD, "10.0.0.1").user == zhang


# -- the rate limit --------------------------------------------------------------------------

def fail(store: AccountStore, username: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        assert refusal(store.login, username, "wrong password", address).status == 401


def test_five_failures_lock_the_account_even_for_the_right_password(store, zhang, clock, monkeypatch):
    for minute in range(5):
        fail(store, "zhang.san", f"10.0.0.{minute}")
        clock.advance(minutes=1)
    error = refusal(store.login, "zhang.san", PASSWORD, "10.9.9.9")
    assert (error.key, error.status, error.params) == ("cms.accounts.too_many_attempts", 429, {"minutes": 10})
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert str(error) == "登录失败的次数太多了。为了保护账号安全，请 10 分钟后再试；如果忘记了密码，请联系管理员重新设置。"


def test_the_account_lock_ends_after_the_window(store, zhang, clock):
    fail(store, "zhang.san", "10.0.0.1", times=5)
    clock.advance(minutes=14, seconds=59)
    assert refusal(store.login, "zhang.san", PASSWORD, "10.0.0.2").params == {"minutes": 1}
    clock.advance(seconds=1)
    assert store.login("zhang.san", PASSWORD, "10.0.0.2").user == zhang


def test_four_failures_do_not_lock_and_a_success_resets_the_account_counter(store, zhang):
    fail(store, "zhang.san", "10.0.0.1", times=4)
    store.login("zhang.san", PASSWORD, "10.0.0.2")
    fail(store, "zhang.san", "10.0.0.3", times=4)
    assert store.login("zhang.san", PASSWORD, "10.0.0.4").user == zhang


def test_refused_attempts_do_not_extend_the_lock(store, zhang, clock):
    fail(store, "zhang.san", "10.0.0.1", times=5)
    for _ in range(10):
        clock.advance(minutes=1)
        assert refusal(store.login, "zhang.san", PASSWORD, "10.0.0.1").status == 429
    clock.advance(minutes=5)
    assert store.login("zhang.san", PASSWORD, "10.0.0.2").user == zhang


def test_five_failures_from_one_address_lock_that_address_for_every_account(store, zhang):
    store.add_user("li.si", PASSWORD, "reviewer")
    for name in ("a.a", "b.b", "c.c", "d.d", "e.e"):
        fail(store, name, "10.6.6.6")
    assert refusal(store.login, "li.si", PASSWORD, "10.6.6.6").status == 429
    assert refusal(store.login, "zhang.san", PASSWORD, "10.6.6.6").status == 429
    assert store.login("li.si", PASSWORD, "10.0.0.1").user.username == "li.si"


def test_a_success_does_not_reset_the_address_counter(store, zhang, clock):
    store.add_user("li.si", PASSWORD, "reviewer")
    fail(store, "zhang.san", "10.6.6.6", times=4)
    store.login("li.si", PASSWORD, "10.6.6.6")
    fail(store, "zhang.san", "10.6.6.6")
    assert refusal(store.login, "li.si", PASSWORD, "10.6.6.6").status == 429
    clock.advance(minutes=15)
    assert store.login("li.si", PASSWORD, "10.6.6.6").user.username == "li.si"


def test_unknown_usernames_are_rate_limited_too(store):
    fail(store, "ghost", "10.0.0.1", times=3)
    fail(store, "ghost", "10.0.0.2", times=2)
    assert refusal(store.login, "ghost", PASSWORD, "10.0.0.3").status == 429


def test_the_counters_are_kept_in_the_database(db_path, store, zhang, clock):
    fail(store, "zhang.san", "10.0.0.1", times=5)
    reopened = AccountStore(db_path, clock=clock, hasher=fast_hasher())
    assert refusal(reopened.login, "zhang.san", PASSWORD, "10.0.0.2").status == 429


# -- sessions --------------------------------------------------------------------------------

def test_a_session_expires(db_path, zhang, clock):
    store = AccountStore(db_path, clock=clock, hasher=fast_hasher(), session_lifetime=datetime.timedelta(hours=1))
    session = store.login("zhang.san", PASSWORD, "10.0.0.1")
    clock.advance(minutes=59, seconds=59)
    assert store.session(session.token) == session
    clock.advance(seconds=1)
    assert store.session(session.token) is None
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)


def test_unknown_tokens_have_no_session(store, zhang):
    store.login("zhang.san", PASSWORD, "10.0.0.1")
    for token in ("", "nonsense", "x" * 10_000, None):
        assert store.session(token) is None


def test_logout_ends_only_that_session(store, zhang):
    first, second = (store.login("zhang.san", PASSWORD, "10.0.0.1") for _ in range(2))
    store.logout(first.token)
    assert store.session(first.token) is None
    assert store.session(second.token) == second
    store.logout(first.token)  # twice is harmless
    store.logout("never issued")


def test_set_password_ends_the_users_sessions_and_changes_the_password(store, zhang):
    other = store.add_user("li.si", PASSWORD, "reviewer")
    mine, theirs = store.login("zhang.san", PASSWORD, "10.0.0.1"), store.login("li.si", PASSWORD, "10.0.0.1")
    store.set_password("zhang.san", "a new password")
    assert store.session(mine.token) is None
    assert store.session(theirs.token).user == other
    assert refusal(store.login, "zhang.san", PASSWORD, "10.0.0.1").status == 401
    assert store.login("zhang.san", "a new password", "10.0.0.1").user == zhang


def test_set_password_checks_the_length(store, zhang):
    assert refusal(store.set_password, "zhang.san", "short").key == "cms.accounts.short_password"
    assert store.login("zhang.san", PASSWORD, "10.0.0.1").user == zhang


def test_delete_user_ends_its_sessions(store, zhang):
    session = store.login("zhang.san", PASSWORD, "10.0.0.1")
    store.delete_user("zhang.san")
    assert store.session(session.token) is None
    assert refusal(store.login, "zhang.san", PASSWORD, "10.0.0.1").status == 401


def test_a_session_reflects_the_current_account(store, zhang):
    session = store.login("zhang.san", PASSWORD, "10.0.0.1")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE users SET role = 'reviewer' WHERE username = 'zhang.san'")
    assert store.session(session.token).user.role == "reviewer"


def test_tokens_are_stored_only_hashed(db_path, store, zhang):
    session = store.login("zhang.san", PASSWORD, "10.0.0.1")
    files = [path for path in db_path.parent.iterdir() if path.name.startswith(db_path.name)]
    raw = b"".join(path.read_bytes() for path in files)
    with sqlite3.connect(db_path) as db:
        dump = "\n".join(db.iterdump())
    assert session.token not in dump and session.token.encode() not in raw
    assert token_hash(session.token) in dump


# -- the schema version ----------------------------------------------------------------------

def stored_version(path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def test_the_schema_version_is_stored_and_the_journal_is_wal(db_path, store):
    assert stored_version(db_path) == "1"
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_reopening_keeps_the_accounts(db_path, store, zhang, clock):
    reopened = AccountStore(db_path, clock=clock, hasher=fast_hasher())
    assert reopened.users() == [zhang]
    assert stored_version(db_path) == "1"


def test_a_database_from_a_newer_release_is_refused(db_path, store, zhang, clock, monkeypatch):
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    error = refusal(AccountStore, db_path, clock=clock, hasher=fast_hasher())
    assert (error.key, error.params["found"], error.params["known"]) == ("cms.accounts.schema_too_new", 2, 1)
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert "请先升级程序再启动" in str(error)
    assert stored_version(db_path) == "2"


def test_a_file_that_is_not_a_database_is_refused(tmp_path, clock):
    path = tmp_path / "cms.sqlite3"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    error = refusal(AccountStore, path, clock=clock, hasher=fast_hasher())
    assert error.key == "cms.accounts.unreadable_database" and str(path) in error.params["path"]


def test_migrations_run_in_order_from_the_stored_version(tmp_path, clock):
    ran = []

    def fake_v0_to_v1(db):
        ran.append(1)
        db.execute("CREATE TABLE things (name TEXT)")

    def fake_v1_to_v2(db):
        ran.append(2)
        db.execute("ALTER TABLE things ADD COLUMN colour TEXT")

    class Version1(AccountStore):
        SCHEMA_VERSION = 1
        MIGRATIONS = (fake_v0_to_v1,)

    class Version2(Version1):
        SCHEMA_VERSION = 2
        MIGRATIONS = (fake_v0_to_v1, fake_v1_to_v2)

    path = tmp_path / "fake.sqlite3"
    Version1(path, clock=clock, hasher=fast_hasher())
    assert (ran, stored_version(path)) == ([1], "1")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO things (name) VALUES ('kept')")
    Version2(path, clock=clock, hasher=fast_hasher())
    Version2(path, clock=clock, hasher=fast_hasher())
    assert (ran, stored_version(path)) == ([1, 2], "2")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name, colour FROM things").fetchall() == [("kept", None)]


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, clock):
    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk on fire")

    class Broken(AccountStore):
        SCHEMA_VERSION = 2
        MIGRATIONS = (*AccountStore.MIGRATIONS, broken)

    path = tmp_path / "cms.sqlite3"
    AccountStore(path, clock=clock, hasher=fast_hasher()).add_user("li.si", PASSWORD, "admin")
    assert refusal(Broken, path, clock=clock, hasher=fast_hasher()).key == "cms.accounts.unreadable_database"
    assert stored_version(path) == "1"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    assert [user.username for user in AccountStore(path, clock=clock, hasher=fast_hasher()).users()] == ["li.si"]


# -- the audit log ---------------------------------------------------------------------------

def test_audit_rows_come_newest_first(store, zhang, clock):
    store.audit(zhang, "create", collection="news", slug="2023-06-01-opening", detail="新增报道：开馆")
    clock.advance(minutes=1)
    store.audit(zhang, "submit", collection="news", slug="2023-06-01-opening", commit="abc123")
    clock.advance(minutes=1)
    store.audit(None, "build")
    log = store.audit_log()
    assert [row["action"] for row in log] == ["build", "submit", "create"]
    assert log[1] == {"at": (START + datetime.timedelta(minutes=1)).isoformat(), "username": "zhang.san",
                      "action": "submit", "collection": "news", "slug": "2023-06-01-opening", "detail": None,
                      "commit": "abc123"}
    assert log[0]["username"] is None
    assert [row["action"] for row in store.audit_log(limit=2)] == ["build", "submit"]


def test_audit_rows_in_the_same_instant_keep_their_order(store, zhang):
    for action in ("create", "edit", "submit", "publish"):
        store.audit(zhang, action)
    assert [row["action"] for row in store.audit_log()] == ["publish", "submit", "edit", "create"]


def test_audit_rows_keep_the_username_of_a_deleted_user(store, zhang):
    store.audit(zhang, "create", slug="x")
    store.delete_user("zhang.san")
    assert [(row["username"], row["action"]) for row in store.audit_log()] == [("zhang.san", "create")]


# -- threads ---------------------------------------------------------------------------------

def test_eight_threads_add_users_and_log_in_at_once(store):
    errors, sessions = [], []
    barrier = threading.Barrier(8)

    def work(number: int) -> None:
        try:
            barrier.wait()
            store.add_user(f"user{number}", PASSWORD, "editor", unit=f"单位{number}")
            for _ in range(3):
                sessions.append(store.login(f"user{number}", PASSWORD, f"10.0.0.{number}"))
            store.audit(store.user(f"user{number}"), "login")
        except Exception as exc:  # collected and asserted below: a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [user.username for user in store.users()] == [f"user{number}" for number in range(8)]
    assert len(sessions) == 24 and all(store.session(session.token) == session for session in sessions)
    assert len(store.audit_log()) == 8


def test_parallel_guesses_cannot_slip_past_the_limit(store, zhang):
    statuses = []
    barrier = threading.Barrier(8)

    def guess(number: int) -> None:
        barrier.wait()
        try:
            store.login("zhang.san", f"guess {number}", f"10.0.0.{number}")
        except CmsError as exc:
            statuses.append(exc.status)

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 3
