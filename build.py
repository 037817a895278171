#!/usr/bin/env python3
"""Command line of the publishing system: build | check | new | serve | cms | handbook.

Exit codes: 0 success, 1 content errors (or a failed build), 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

from wenming.build.pipeline import build, read_and_validate
from wenming.cms import cli as cms_cli
from wenming.model.skeleton import SkeletonError, new_news
from wenming.preview.builds import PreviewBuilds
from wenming.preview.live import PreviewState, Watcher
from wenming.preview.restart import CodeWatch, restart, restart_command
from wenming.preview.server import make_server
from wenming.source.diagnostics import ContentError, Diagnostic, Diagnostics
from wenming.source.messages import LANGUAGE_VARIABLE, LANGUAGES, render

ROOT = Path(__file__).resolve().parent


def _progress_printer():
    """Progress lines with the seconds since this build started."""
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"• [{time.monotonic() - started:6.1f}s] {message}", flush=True)

    return progress


def _print_diagnostics(diagnostics, stream=sys.stderr) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=stream)


def _report_failure(exc: ContentError) -> int:
    errors = [d for d in exc.diagnostics if d.severity.value == "error"]
    _print_diagnostics(exc.diagnostics)
    print("\n" + render("cli.build_failed", {"count": len(errors)}), file=sys.stderr)
    return 1


def cmd_build(args) -> int:
    try:
        result = build(args.content, args.output, progress=_progress_printer(), as_of=args.as_of,
                       force=getattr(args, "force", False), detach_saves=True)
    except ContentError as exc:
        return _report_failure(exc)
    _print_diagnostics(result.diagnostics.warnings)
    print("✓ " + render("cli.built", {"site": result.site_dir}))
    return 0


def cmd_check(args) -> int:
    try:
        model = read_and_validate(args.content)
    except ContentError as exc:
        diagnostics, model = exc.diagnostics, None
    else:
        diagnostics = model.diagnostics.sorted()
    if args.format == "json":
        json.dump({"ok": model is not None, "diagnostics": [d.as_dict() for d in diagnostics]}, sys.stdout,
                  ensure_ascii=False, indent=2)
        print()
        return 0 if model is not None else 1
    _print_diagnostics(diagnostics)
    if model is None:
        errors = [d for d in diagnostics if d.severity.value == "error"]
        print("\n" + render("cli.check_failed", {"count": len(errors)}), file=sys.stderr)
        return 1
    print("✓ " + render("cli.checked", {"reports": len(model.news), "pages": len(model.pages),
                                        "warnings": len(model.diagnostics.warnings)}))
    return 0


def cmd_new(args) -> int:
    from wenming.model.registry import load_registry

    diagnostics = Diagnostics(args.content)
    registry = load_registry(args.content / "data", diagnostics)
    if registry is None:
        _print_diagnostics(diagnostics.sorted())
        return 1
    try:
        path = new_news(args.content, registry, args.unit, args.title, args.date)
    except SkeletonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def cmd_serve(args) -> int:
    state = PreviewState()
    code = CodeWatch()  # the code this process runs, before the first build imports the plugins

    def full_build(force: bool):
        return build(args.content, args.output, progress=_progress_printer(), as_of=args.as_of, force=force)

    def report(headline: str, diagnostics) -> None:
        _print_diagnostics(diagnostics)
        if headline:
            print(headline, flush=True)

    def changed(paths) -> None:
        if code.changed():
            restart_for_new_code(paths)
        builds.changed(paths)

    def restart_for_new_code(paths) -> None:
        command = restart_command(Path(__file__), server.server_address[1])
        if command is None:
            error = "not started as build.py"
        else:
            print(render("preview.restarting", {"path": ", ".join(sorted(str(p) for p in paths))}), flush=True)
            with builds.held():  # let the running build finish: its caches are stamped with the old code
                try:
                    restart(command)
                except OSError as exc:
                    error = str(exc)
        problem = Diagnostic.of("E911", "build.py serve", error=error)
        report("", [problem])
        state.publish([problem.format()])
        code.acknowledge()  # said once; builds go on with the code (and fingerprint) this process loaded

    builds = PreviewBuilds(full_build, state, report)
    builds.first_build()
    server = make_server(args.output / "site", args.port, preview=state, handbook_dir=args.output / "handbook")
    watcher = Watcher([args.content, ROOT / "theme", ROOT / "plugins", ROOT / "wenming"], changed,
                      ignored=[args.output])
    watcher.start()
    print(f"Serving the site at http://127.0.0.1:{server.server_address[1]}/  "
          "(live reload on; Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping = True
        watcher.stop()
        server.server_close()
    return 0


def cmd_handbook(args) -> int:
    from wenming.handbook.builder import HandbookError, build_handbook  # imported when it runs

    try:
        folder = build_handbook(args.output)
    except HandbookError as exc:
        print(f"error[{exc.code}]: {exc}", file=sys.stderr)
        return 1
    print("✓ " + render("handbook.built", {"path": folder}))
    return 0


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=f"language of messages (default: ${LANGUAGE_VARIABLE}, else zh)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_content(sub):
        sub.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
        return sub

    def with_output(sub):
        sub.add_argument("--output", type=Path, default=ROOT / "output", help="output folder (default: output/)")
        return sub

    def with_as_of(sub):
        sub.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                         help="date the quota pages are computed for (default: today, or the end of a past year)")
        return sub

    build_parser = commands.add_parser("build", help="validate and build the site")
    with_as_of(with_output(with_content(build_parser)))
    build_parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build_parser.set_defaults(handler=cmd_build)
    check = with_content(commands.add_parser("check", help="validate content only, reporting every error"))
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="text (one line per diagnostic, on stderr) or json (on stdout, for tools)")
    check.set_defaults(handler=cmd_check)
    new = with_content(commands.add_parser("new", help="write a skeleton content file"))
    new.add_argument("type", choices=["news"], help="content type")
    new.add_argument("--unit", required=True, help="reporting unit, e.g. 城北街道")
    new.add_argument("--title", required=True, help="headline")
    new.add_argument("--date", type=_date, default=datetime.date.today(), help="YYYY-MM-DD (default: today)")
    new.set_defaults(handler=cmd_new)
    serve = with_as_of(with_output(with_content(commands.add_parser("serve", help="build and preview on 127.0.0.1"))))
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.set_defaults(handler=cmd_serve)
    cms_cli.add_parser(commands, ROOT / "content", ROOT / "output")
    handbook = with_output(commands.add_parser("handbook", help="build the editors' handbook into <output>/handbook/"))
    handbook.set_defaults(handler=cmd_handbook)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.lang:
        os.environ[LANGUAGE_VARIABLE] = args.lang  # read when messages are rendered, here and in workers
    return args.handler(args)


def exit_now(code: int) -> None:
    """Exit without tearing the interpreter down when nothing else runs: after a build of a 10,000-report site
    Python would spend about a second freeing its objects one by one. Every cache and file is written by then
    (written atomically, in this thread); with any other thread still alive, exit as usual."""
    if threading.active_count() > 1:
        sys.exit(code)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
