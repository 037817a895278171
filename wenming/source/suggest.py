"""Near-miss suggestions ("did you mean 城北街道?") for registry names and keys."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice most similar to ``value``, or None when nothing is close.

    Similarity is difflib's ratio; failing that, a unique choice that contains
    the value or is contained in it (城北 ~ 城北街道) is taken.
    """
    choices = list(dict.fromkeys(choices))
    if not value or not choices:
        return None
    matches = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    if matches:
        return matches[0]
    contained = [c for c in choices if value in c or c in value]
    return contained[0] if len(contained) == 1 else None


def did_you_mean(value: str, choices: Iterable[str], canonical: Callable[[str], str] = str) -> str:
    """A message suffix: '; did you mean X?' or '' when nothing is close.

    ``canonical`` maps a matched alias to the name to suggest.
    """
    match = closest(value, choices)
    return f"; did you mean {canonical(match)}?" if match else ""


def allowed_list(choices: Iterable[str], limit: int = 8) -> str:
    """Human list of allowed values, shortened when long."""
    choices = list(choices)
    if len(choices) <= limit:
        return ", ".join(choices)
    return ", ".join(choices[:limit]) + f", … ({len(choices)} in all)"
