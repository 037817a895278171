"""MkDocs hooks of the handbook (``hooks:`` in mkdocs.yml): the two places where Material 9.7's templates write
invalid HTML, put right in each page as it is written, so the handbook passes the Nu HTML Checker like the site.

* ``<input type="checkbox" ... autocomplete="off">`` (the drawer, search and navigation toggles): HTML allows
  ``autocomplete`` only on text-like inputs, and a checkbox's state is not autofilled anyway;
* ``<label ... tabindex="">`` (navigation sections that are not links): an empty tabindex is no number;
  leaving it out gives the same behaviour (the label is not focusable either way).
"""

from __future__ import annotations

import re

_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')
_EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?)\s+tabindex=""')


def clean(html: str) -> str:
    return _EMPTY_TABINDEX.sub(r"\1", _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html))


def on_post_page(output: str, **_kwargs) -> str:
    return clean(output)


def on_post_template(output_content: str, **_kwargs) -> str:  # 404.html and the other static templates
    return clean(output_content)
