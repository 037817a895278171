"""HTML that Markdown syntax makes stays inert: no event handlers or styles, no ``javascript:`` links."""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "cite", "data")
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def is_safe_url(value: str) -> bool:
    """A link a page may carry: http(s), mailto or relative (browsers ignore spaces and controls in schemes)."""
    match = _SCHEME.match(_INVISIBLE.sub("", value).lower())
    return match is None or match.group(1) in _SAFE_SCHEMES


class _SafeAttributes(Treeprocessor):
    """What Markdown syntax itself makes stays inert: no event handlers or styles (``{: onclick=…}`` of
    attribute lists) and no ``javascript:``-style links (``[x](javascript:…)``). Raw HTML is not in this
    tree: it is checked separately (remote resources) and cleaned on the way in by the CMS."""

    def run(self, root):
        for element in root.iter():
            for name in list(element.attrib):
                lowered = name.lower()
                if lowered.startswith("on") or lowered == "style" or (
                        lowered in _URL_ATTRIBUTES and not is_safe_url(element.attrib[name])):
                    del element.attrib[name]


class SafeMarkupExtension(Extension):
    """Registers ``_SafeAttributes`` last, after everything that makes or rewrites elements."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_SafeAttributes(md), "wm_safe_attributes", -10)
