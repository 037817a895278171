"""The CMS's accounts, login sessions, login rate limiting and audit log, kept in one SQLite file.

Passwords are hashed with argon2id; session tokens are stored only as their SHA-256, so the file
never holds anything a visitor could log in with. The database carries a schema version and is
migrated forward by ordered migration functions when a newer release opens it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import math
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wenming.cms.errors import CmsError

ROLES = ("admin", "reviewer", "editor")
USERNAME_LENGTH = (3, 32)
PASSWORD_LENGTH = (8, 256)
DISPLAY_NAME_MAX = 64
_USERNAME = re.compile(r"[a-z0-9_.-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEY_MAX = 128  # longest login name / address kept for rate limiting


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclasses.dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    email: str
    role: str
    unit: str | None


@dataclasses.dataclass(frozen=True)
class Session:
    token: str  # the bearer token, known only to the client (the database keeps its SHA-256)
    csrf_token: str
    expires_at: datetime.datetime
    user: User


def _schema_v1(db: sqlite3.Connection) -> None:
    """Version 1: users, sessions, failed logins and the audit log."""
    db.execute("""CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        unit TEXT,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL)""")
    db.execute("""CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        csrf_token TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL)""")
    db.execute("CREATE INDEX sessions_by_user ON sessions (user_id)")
    db.execute("""CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL,
        address TEXT NOT NULL,
        at REAL NOT NULL)""")
    db.execute("CREATE INDEX login_failures_by_username ON login_failures (username, at)")
    db.execute("CREATE INDEX login_failures_by_address ON login_failures (address, at)")
    db.execute("""CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        username TEXT,
        action TEXT NOT NULL,
        collection TEXT,
        slug TEXT,
        detail TEXT,
        commit_id TEXT)""")


# MIGRATIONS[n] brings a database from version n to n + 1 (version 0: an empty file).
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_schema_v1,)


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _timestamp(moment: datetime.datetime) -> float:
    return moment.timestamp()


def _moment(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC)


def _user(row: sqlite3.Row) -> User:
    return User(row["id"], row["username"], row["display_name"], row["email"], row["role"], row["unit"])


def _login_key(value: object) -> str:
    """A login name or address as the rate limiter counts it: trimmed, lowercase, bounded."""
    return str(value or "").strip().lower()[:_KEY_MAX]


def check_username(username: str) -> str:
    low, high = USERNAME_LENGTH
    if not (low <= len(username) <= high and _USERNAME.fullmatch(username)):
        raise CmsError("cms.accounts.bad_username", 400, username=username, minimum=low, maximum=high)
    return username


def check_role(role: str, unit: str | None) -> None:
    if role not in ROLES:
        raise CmsError("cms.accounts.unknown_role", 400, role=role, allowed=list(ROLES))
    if role == "editor" and not unit:
        raise CmsError("cms.accounts.editor_needs_unit", 400)


def check_password(password: str) -> str:
    low, high = PASSWORD_LENGTH
    if not isinstance(password, str) or len(password) < low:
        raise CmsError("cms.accounts.short_password", 400, minimum=low)
    if len(password) > high:
        raise CmsError("cms.accounts.long_password", 400, maximum=high)
    return password


def _display_name(display_name: str | None, username: str) -> str:
    name = (display_name or "").strip() or username
    if len(name) > DISPLAY_NAME_MAX or _CONTROL.search(name):
        raise CmsError("cms.accounts.bad_display_name", 400, maximum=DISPLAY_NAME_MAX)
    return name


def _email(email: str | None) -> str:
    address = (email or "").strip()
    if address and (len(address) > 254 or not _EMAIL.fullmatch(address)):
        raise CmsError("cms.accounts.bad_email", 400, email=address)
    return address


def default_database(content_dir: Path) -> Path:
    """``.cms/cms.sqlite3`` beside the content folder (kept out of git by .gitignore)."""
    return content_dir.resolve().parent / ".cms" / "cms.sqlite3"


class AccountStore:
    """Accounts, sessions, failed logins and the audit log in the SQLite file ``path``.

    Every call opens its own connection (the FastAPI app calls from worker threads, the CLI from
    another process); writes take SQLite's write lock at once (``BEGIN IMMEDIATE``) and wait for it.
    """

    SCHEMA_VERSION = 1
    MIGRATIONS = MIGRATIONS
    MAX_FAILURES = 5
    FAILURE_WINDOW = datetime.timedelta(minutes=15)

    def __init__(self, path: Path, *, session_lifetime: datetime.timedelta = datetime.timedelta(hours=8),
                 clock: Callable[[], datetime.datetime] = utc_now, hasher: PasswordHasher | None = None) -> None:
        self.path = Path(path)
        self.session_lifetime = session_lifetime
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self._create_file()
        self._migrate()
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))  # verified for unknown users

    # -- the database ------------------------------------------------------------------------

    def _create_file(self) -> None:
        """The folder and an empty file readable by its owner only (it holds password hashes)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

    @contextlib.contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def _migrate(self) -> None:
        try:
            with self._transaction(write=True) as db:
                self._upgrade(db)
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.execute("PRAGMA journal_mode = WAL")
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise CmsError("cms.accounts.unreadable_database", 500, path=str(self.path), error=str(exc)) from exc

    def _upgrade(self, db: sqlite3.Connection) -> None:
        found = schema_version(db)
        if found > self.SCHEMA_VERSION:
            raise CmsError("cms.accounts.schema_too_new", 500, path=str(self.path), found=found,
                           known=self.SCHEMA_VERSION)
        if found == 0:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for migration in self.MIGRATIONS[found:self.SCHEMA_VERSION]:
            migration(db)
        if found < self.SCHEMA_VERSION:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                       (str(self.SCHEMA_VERSION),))

    def _now(self) -> datetime.datetime:
        return self.clock()

    # -- accounts ----------------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str, *, unit: str | None = None,
                 display_name: str | None = None, email: str | None = None) -> User:
        """Create an account; the unit name is checked against the registry by the caller."""
        username = check_username(str(username).strip())
        unit = (unit or "").strip() or None
        check_role(role, unit)
        name, address = _display_name(display_name, username), _email(email)
        password_hash = self.hasher.hash(check_password(password))
        with self._transaction(write=True) as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                raise CmsError("cms.accounts.duplicate_user", 409, username=username)
            cursor = db.execute(
                "INSERT INTO users (username, display_name, email, role, unit, password_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (username, name, address, role, unit, password_hash, self._now().isoformat()))
        return User(cursor.lastrowid, username, name, address, role, unit)

    def set_password(self, username: str, password: str) -> None:
        """Give ``username`` a new password and end all its sessions."""
        password_hash = self.hasher.hash(check_password(password))
        with self._transaction(write=True) as db:
            user_id = self._user_id(db, username)
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))

    def delete_user(self, username: str) -> None:
        """Remove the account and its sessions; its audit rows keep the username."""
        with self._transaction(write=True) as db:
            user_id = self._user_id(db, username)
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            db.execute("DELETE FROM users WHERE id = ?", (user_id,))

    @staticmethod
    def _user_id(db: sqlite3.Connection, username: str) -> int:
        row = db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise CmsError("cms.accounts.unknown_user", 404, username=username)
        return row["id"]

    def users(self) -> list[User]:
        with self._transaction() as db:
            return [_user(row) for row in db.execute("SELECT * FROM users ORDER BY username")]

    def user(self, username: str) -> User | None:
        with self._transaction() as db:
            row = db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row) if row else None

    # -- logging in --------------------------------------------------------------------------

    def login(self, username: str, password: str, address: str) -> Session:
        """A new session for the right password; 401 (the same for an unknown user) or 429 otherwise.

        The attempt is counted as a failure before the password is checked, so that parallel
        guesses cannot slip past the limit; a success takes it back with the account's other failures.
        """
        name, address = _login_key(username), _login_key(address)
        attempt = self._begin_attempt(name, address)
        row = attempt["user"]
        password_hash = row["password_hash"] if row else self._dummy_hash
        if not self._verify(password_hash, password) or row is None:
            raise CmsError("cms.accounts.wrong_credentials", 401)
        return self._open_session(row["id"], password_hash, password, address)

    def _begin_attempt(self, name: str, address: str) -> dict:
        now = _timestamp(self._now())
        with self._transaction(write=True) as db:
            db.execute("DELETE FROM login_failures WHERE at <= ?", (now - self.FAILURE_WINDOW.total_seconds(),))
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            self._refuse_when_limited(db, "username", name, now)
            self._refuse_when_limited(db, "address", address, now)
            db.execute("INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)", (name, address, now))
            return {"user": db.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone()}

    def _refuse_when_limited(self, db: sqlite3.Connection, column: str, value: str, now: float) -> None:
        """429 while ``value`` (a login name or an address) has too many recent failures."""
        window = self.FAILURE_WINDOW.total_seconds()
        times = [row["at"] for row in db.execute(
            f"SELECT at FROM login_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT ?",
            (value, now - window, self.MAX_FAILURES))]
        if len(times) >= self.MAX_FAILURES:
            minutes = max(1, math.ceil((times[-1] + window - now) / 60))
            raise CmsError("cms.accounts.too_many_attempts", 429, minutes=minutes)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password if isinstance(password, str) else "")
        except (VerificationError, InvalidHashError):
            return False

    def _open_session(self, user_id: int, password_hash: str, password: str, address: str) -> Session:
        token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._now()
        expires_at = now + self.session_lifetime
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(password_hash) else None
        with self._transaction(write=True) as db:
            row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
            if row is None or not self._still_valid(row["password_hash"], password_hash, password):
                raise CmsError("cms.accounts.wrong_credentials", 401)
            db.execute("DELETE FROM login_failures WHERE username = ?", (row["username"],))
            if rehashed:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (rehashed, user_id))
            db.execute("INSERT INTO sessions (token_hash, csrf_token, user_id, address, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (token_hash(token), csrf_token, user_id, address, _timestamp(now), _timestamp(expires_at)))
        return Session(token, csrf_token, _moment(_timestamp(expires_at)), _user(row))

    def _still_valid(self, current_hash: str, verified_hash: str, password: str) -> bool:
        """Whether the password is still right now that the write lock is held (it may have changed meanwhile)."""
        return current_hash == verified_hash or self._verify(current_hash, password)

    def session(self, token: str) -> Session | None:
        """The live session of ``token``, or None when it is unknown or expired (an expired one is removed)."""
        if not isinstance(token, str) or not token or len(token) > 256:
            return None
        digest = token_hash(token)
        with self._transaction() as db:
            row = db.execute("SELECT sessions.csrf_token, sessions.expires_at, users.* FROM sessions"
                             " JOIN users ON users.id = sessions.user_id WHERE token_hash = ?", (digest,)).fetchone()
        if row is None:
            return None
        if row["expires_at"] <= _timestamp(self._now()):
            self.logout(token)
            return None
        return Session(token, row["csrf_token"], _moment(row["expires_at"]), _user(row))

    def logout(self, token: str) -> None:
        if isinstance(token, str) and token:
            with self._transaction(write=True) as db:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))

    # -- the audit log -----------------------------------------------------------------------

    def audit(self, user: User | None, action: str, *, collection: str | None = None, slug: str | None = None,
              detail: str | None = None, commit: str | None = None) -> None:
        """Record that ``user`` (None: the system) did ``action``."""
        with self._transaction(write=True) as db:
            db.execute("INSERT INTO audit_log (at, username, action, collection, slug, detail, commit_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (self._now().isoformat(), user.username if user else None, action, collection, slug,
                        detail, commit))

    def audit_log(self, limit: int = 100) -> list[dict]:
        """The newest ``limit`` audit rows, newest first; ``at`` is an ISO 8601 UTC time."""
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (max(0, int(limit)),)).fetchall()
        return [{"at": row["at"], "username": row["username"], "action": row["action"],
                 "collection": row["collection"], "slug": row["slug"], "detail": row["detail"],
                 "commit": row["commit_id"]} for row in rows]


def schema_version(db: sqlite3.Connection) -> int:
    """The version recorded in ``meta`` (0 for a database without one)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0

