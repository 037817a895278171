"""Who may do what: the permission table of the CMS, checked in one place for every endpoint.

A rule is looked up by role and action and answers from the entry's units and status. Editors are bound
to one unit; reviewers work on every unit's entries; admins may also edit the registry and the accounts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

ACTIONS = ("read", "create", "edit", "delete", "submit", "publish", "unpublish", "return", "registry", "accounts")


@dataclasses.dataclass(frozen=True)
class Target:
    """What an action is about: the entry's units and status (None for registry and account actions)."""

    units: Sequence[str] = ()
    status: str | None = None


Rule = Callable[[str | None, Target], bool]  # (the user's unit, target) -> allowed


def _always(unit: str | None, target: Target) -> bool:
    return True


def _never(unit: str | None, target: Target) -> bool:
    return False


def _own_unit(*statuses: str) -> Rule:
    """The entry names the editor's unit (and, when statuses are given, is in one of them)."""
    def rule(unit: str | None, target: Target) -> bool:
        return unit is not None and unit in target.units and (not statuses or target.status in statuses)

    return rule


def _editor_reads(unit: str | None, target: Target) -> bool:
    """Published entries of every unit; drafts and entries under review of their own unit only."""
    return target.status == "published" or (unit is not None and unit in target.units)


POLICY: dict[str, dict[str, Rule]] = {
    "admin": {action: _always for action in ACTIONS},
    "reviewer": {**{action: _always for action in ACTIONS}, "registry": _never, "accounts": _never},
    "editor": {
        "read": _editor_reads,
        "create": _own_unit(),
        "edit": _own_unit("draft", "review"),
        "delete": _own_unit("draft"),
        "submit": _own_unit("draft"),
        "publish": _never,
        "unpublish": _never,
        "return": _never,
        "registry": _never,
        "accounts": _never,
    },
}


def allowed(role: str, unit: str | None, action: str, target: Target = Target()) -> bool:
    """Whether a user of ``role`` bound to ``unit`` may do ``action`` to ``target``."""
    rules = POLICY.get(role)
    if rules is None or action not in rules:
        return False
    return rules[action](unit, target)
