"""The rules that price claims: read from the package's rule file, stored as rule books the
first time one is needed, extended by admins (DESIGN.md section 10)."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from application.base import CommandResult, Decision, NuanxinBase
from application.errors import PermissionDeniedError
from application.principal import Principal
from domain.claims.rules import RuleBook, RuleId, RuleVersion, parse_rule_id, shipped_versions
from domain.permissions import Action

SHIPPED_RULES = "shipped_rules.json"
"""In the `domain.claims` package, installed with it (package data)."""


@cache
def shipped_rules() -> dict[RuleId, list[RuleVersion]]:
    text = resources.files("domain.claims").joinpath(SHIPPED_RULES).read_text(encoding="utf-8")
    return shipped_versions(json.loads(text))


class RuleCommands(NuanxinBase):
    def rule_book(self, rule_id: RuleId) -> RuleBook:
        """The stored book, or a new one seeded with the shipped versions, which the caller
        saves with whatever it prices, so that the log holds every version that priced a
        claim."""
        book_id = RuleBook.id_for(rule_id)
        if self.exists(book_id):
            book: RuleBook = self.load(book_id, RuleBook, "rule")
            return book
        return RuleBook.seeded(rule_id, shipped_rules()[rule_id])

    def rule_in_force(self, rule_id: RuleId, day: dt.date) -> tuple[RuleBook, RuleVersion]:
        book = self.rule_book(rule_id)
        return book, book.in_force_on(day)

    def list_rules(self, principal: Principal) -> dict[str, Any]:
        principal.require(Action.READ_CLAIMS)
        today = self.today()
        rules: list[dict[str, Any]] = []
        for rule_id in RuleId:
            versions = self.rule_book(rule_id).versions
            in_force = max((v.version for v in versions if v.effective_from <= today), default=None)
            rules.extend(v.as_data() | {"in_force": v.version == in_force} for v in versions)
        return {"rules": rules}

    def add_rule_version(
        self,
        principal: Principal,
        *,
        rule_id: str,
        effective_from: dt.date,
        terms: dict[str, Any],
        idempotency_key: str | None = None,
    ) -> CommandResult:
        principal.require(Action.MANAGE_RULES)
        if principal.region_code:
            # Rules bind every region; only an admin of all regions changes them.
            raise PermissionDeniedError("only an admin of every region adds versions of the rules")
        parsed = parse_rule_id(rule_id)

        def decide() -> Decision:
            book = self.rule_book(parsed)
            version = book.add_version(effective_from, terms)
            return [book], version.as_data() | {"in_force": effective_from <= self.today()}

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=("add_rule_version", rule_id, effective_from, terms),
        )
