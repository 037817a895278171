"""``build.py cms``: run the editing server, and manage its accounts (adduser, passwd, deluser, users)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wenming.cms.accounts import ROLES, AccountStore, default_database
from wenming.cms.errors import CmsError
from wenming.model.registry import load_registry
from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import render


def add_parser(commands, content_default: Path, output_default: Path) -> None:
    cms = commands.add_parser("cms", help="run the CMS (editing server) or manage its accounts")

    def common(parser, suppress: bool) -> None:
        default = argparse.SUPPRESS if suppress else None
        parser.add_argument("--content", type=Path, default=argparse.SUPPRESS if suppress else content_default,
                            help="content folder (default: content/)")
        parser.add_argument("--db", type=Path, default=default,
                            help="accounts database (default: .cms/cms.sqlite3 beside the content folder)")

    common(cms, suppress=False)
    cms.add_argument("--output", type=Path, default=output_default, help="output folder (default: output/)")
    cms.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    cms.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    cms.add_argument("--secure-cookies", action="store_true",
                     help="mark the session cookie Secure (behind a TLS proxy such as nginx; see the handbook)")
    cms.set_defaults(handler=cmd_serve)
    accounts = cms.add_subparsers(dest="cms_command", metavar="ACCOUNTS")
    add = accounts.add_parser("adduser", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--unit", help="the editor's unit (town or department), as in content/data/units.yml")
    add.add_argument("--display-name", help="name shown in the git history, e.g. 张三")
    add.add_argument("--email", help="e-mail address for the git history")
    add.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    add.set_defaults(handler=cmd_adduser)
    passwd = accounts.add_parser("passwd", help="set an account's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    passwd.set_defaults(handler=cmd_passwd)
    delete = accounts.add_parser("deluser", help="delete an account")
    delete.add_argument("name")
    delete.set_defaults(handler=cmd_deluser)
    listing = accounts.add_parser("users", help="list the accounts")
    listing.set_defaults(handler=cmd_users)
    for parser in (add, passwd, delete, listing):
        common(parser, suppress=True)


def _store(args) -> AccountStore:
    return AccountStore(args.db or default_database(args.content))


def _password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _refused(exc: CmsError) -> int:
    print(f"error: {exc.message}", file=sys.stderr)
    return 1


def cmd_serve(args) -> int:
    # Imported here: the web stack (FastAPI, uvicorn) would add ~0.2 s to every other build.py command.
    from wenming.cms.server import serve

    serve(args.content, args.output, args.host, args.port, args.db, secure_cookies=args.secure_cookies)
    return 0


def cmd_adduser(args) -> int:
    unit = None
    if args.unit:
        registry = load_registry(args.content / "data", Diagnostics(args.content))
        found = registry.unit(args.unit) if registry is not None else None
        if found is None:
            print("error: " + render("cms.unknown_unit", {"unit": args.unit}), file=sys.stderr)
            return 1
        unit = found.name
    try:
        user = _store(args).add_user(args.name, _password(), args.role, unit=unit, display_name=args.display_name,
                                     email=args.email)
    except CmsError as exc:
        return _refused(exc)
    print(render("cms.cli.added", {"username": user.username, "role": user.role, "unit": user.unit or "—"}))
    return 0


def cmd_passwd(args) -> int:
    try:
        _store(args).set_password(args.name, _password())
    except CmsError as exc:
        return _refused(exc)
    print(render("cms.cli.password_set", {"username": args.name}))
    return 0


def cmd_deluser(args) -> int:
    try:
        _store(args).delete_user(args.name)
    except CmsError as exc:
        return _refused(exc)
    print(render("cms.cli.deleted", {"username": args.name}))
    return 0


def cmd_users(args) -> int:
    for user in _store(args).users():
        print(f"{user.username}\t{user.role}\t{user.unit or '—'}\t{user.display_name}\t{user.email}")
    return 0
