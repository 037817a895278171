"""Near-miss suggestions ("did you mean 城北街道?") for registry names and keys."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from wenming.source.messages import Text, allowed


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


def did_you_mean(value: str, choices: Iterable[str], canonical: Callable[[str], str] = str) -> Text | str:
    """A message fragment suggesting the closest choice ("您是不是要写“城北街道”？"), or "" when none is close.

    ``canonical`` maps a matched alias to the name to suggest.
    """
    match = closest(value, choices)
    return Text("hint.did_you_mean", {"suggestion": canonical(match)}) if match else ""


def allowed_list(choices: Iterable[str], limit: int = 8) -> Text:
    """The allowed values as a message fragment, shortened when long."""
    return allowed(choices, limit)
