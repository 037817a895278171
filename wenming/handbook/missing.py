"""The page served at /handbook/ (by ``build.py serve`` and the CMS) while the handbook has not been built."""

from __future__ import annotations

import html

from wenming.source.messages import language, render

BUILD_COMMAND = ".venv/bin/python build.py handbook"


def handbook_built(handbook_dir) -> bool:
    return (handbook_dir / "index.html").is_file()


def not_built_page() -> bytes:
    """A small Chinese (or, with WENMING_LANG=en, English) HTML page saying how to build the handbook."""
    title = html.escape(render("handbook.not_built_title"))
    body = html.escape(render("handbook.not_built_body", {"command": "\0"})).replace(
        "\0", f"<code>{html.escape(BUILD_COMMAND)}</code>")
    lang = "zh-CN" if language() == "zh" else "en"
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>"
            f"<body><main><h1>{title}</h1><p>{body}</p></main></body></html>").encode("utf-8")
