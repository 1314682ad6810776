"""The rules that price claims: read from the package's rule file, stored as rule books the
first time one is needed, extended by admins (DESIGN.md section 10)."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from application.commands.rules import AddRuleVersion
from application.errors import PermissionDeniedError
from application.handling import Decision, Handled
from application.principal import Principal
from domain.claims.rules import RuleBook, RuleId, RuleVersion, parse_rule_id, shipped_versions
from domain.permissions import Action

if TYPE_CHECKING:
    from application.app import Nuanxin

SHIPPED_RULES = "shipped_rules.json"
"""In the `domain.claims` package, installed with it (package data)."""


@cache
def shipped_rules() -> dict[RuleId, list[RuleVersion]]:
    text = resources.files("domain.claims").joinpath(SHIPPED_RULES).read_text(encoding="utf-8")
    return shipped_versions(json.loads(text))


def rule_book(app: Nuanxin, rule_id: RuleId) -> RuleBook:
    """The stored book, or a new one seeded with the shipped versions, which the caller saves
    with whatever it prices, so that the log holds every version that priced a claim."""
    book_id = RuleBook.id_for(rule_id)
    if app.exists(book_id):
        book: RuleBook = app.load(book_id, RuleBook, "rule")
        return book
    return RuleBook.seeded(rule_id, shipped_rules()[rule_id])


def rule_in_force(app: Nuanxin, rule_id: RuleId, day: dt.date) -> tuple[RuleBook, RuleVersion]:
    book = rule_book(app, rule_id)
    return book, book.in_force_on(day)


def list_rules(app: Nuanxin, principal: Principal) -> dict[str, Any]:
    principal.require(Action.READ_CLAIMS)
    today = app.today()
    rules: list[dict[str, Any]] = []
    for rule_id in RuleId:
        versions = rule_book(app, rule_id).versions
        in_force = max((v.version for v in versions if v.effective_from <= today), default=None)
        rules.extend(v.as_data() | {"in_force": v.version == in_force} for v in versions)
    return {"rules": rules}


def add_rule_version(
    app: Nuanxin, principal: Principal, command: AddRuleVersion, key: str | None
) -> Handled:
    principal.require(Action.MANAGE_RULES)
    if principal.region_code:
        # Rules bind every region; only an admin of all regions changes them.
        raise PermissionDeniedError("only an admin of every region adds versions of the rules")
    parsed = parse_rule_id(command.rule_id)
    effective_from = command.effective_from

    def decide() -> Decision:
        book = rule_book(app, parsed)
        version = book.add_version(effective_from, command.terms)
        return [book], version.as_data() | {"in_force": effective_from <= app.today()}

    return Handled(command, decide)
