"""Effective-dated policy rules: the amounts and limits that price claims (DOMAIN.md).

Amounts change by year and province, so they are data, never constants in code: each rule is
a book of versions, each in force from its `effective_from` until the next one's. A claim is
priced by the version in force on its pricing date and records that version, so a later
version never reprices it. The versions shipped with the package are parsed here from their
data (the application reads the file); a book is stored the first time it is needed, seeded
with them, so that the log holds every version that ever priced a claim."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.claims.errors import NoRuleInForceError
from domain.errors import InvalidValueError, RuleViolatedError
from domain.money import fen_from_yuan, yuan_from_fen


class RuleId(StrEnum):
    NURSING_SUBSIDY = "nursing_subsidy"
    ACCIDENT_INSURANCE = "accident_insurance"
    EDUCATION_AID = "education_aid"
    HARDSHIP_GRANT = "hardship_grant"


class TermKind(StrEnum):
    MONEY = 'an amount of yuan as a string, like "100.00"'
    COUNT = "a whole number of at least 1"
    TIER = "a hospital tier: 1, 2 or 3"


TERMS: dict[RuleId, dict[str, TermKind]] = {
    RuleId.NURSING_SUBSIDY: {
        "per_day": TermKind.MONEY,
        "max_days_per_year": TermKind.COUNT,
        "min_hospital_tier": TermKind.TIER,
    },
    RuleId.ACCIDENT_INSURANCE: {"max_per_claim": TermKind.MONEY},
    RuleId.EDUCATION_AID: {"max_per_member_per_year": TermKind.MONEY},
    RuleId.HARDSHIP_GRANT: {"max_per_member_per_year": TermKind.MONEY},
}
"""The terms each rule has, and what each term is."""

HOSPITAL_TIERS = (1, 2, 3)


def parse_rule_id(value: str, *, field: str = "id") -> RuleId:
    try:
        return RuleId(value)
    except ValueError:
        raise InvalidValueError(f"{field} is one of: {', '.join(RuleId)}", field=field) from None


def check_terms(rule_id: RuleId, terms: dict[str, Any]) -> dict[str, Any]:
    """The terms in their one written form (money as yuan strings with two decimals), or a
    field-level refusal naming the first term missing, unknown or malformed."""
    expected = TERMS[rule_id]
    unknown = sorted(set(terms) - set(expected))
    if unknown:
        raise InvalidValueError(
            f"a {rule_id} rule has the terms {', '.join(expected)}", field=f"terms.{unknown[0]}"
        )
    checked: dict[str, Any] = {}
    for name, kind in expected.items():
        field = f"terms.{name}"
        if name not in terms:
            raise InvalidValueError(f"{name} is required: {kind.value}", field=field)
        checked[name] = _check_term(kind, terms[name], field)
    return checked


def _check_term(kind: TermKind, value: Any, field: str) -> Any:
    if kind == TermKind.MONEY:
        return yuan_from_fen(fen_from_yuan(value, field=field))
    allowed = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if kind == TermKind.TIER:
        allowed = allowed and value in HOSPITAL_TIERS
    if not allowed or value > 100_000:
        raise InvalidValueError(f"must be {kind.value}", field=field)
    return value


@dataclass(frozen=True)
class RuleVersion:
    rule_id: RuleId
    version: int
    effective_from: dt.date
    terms: dict[str, Any]

    def money(self, name: str) -> int:
        """A money term, in fen."""
        return fen_from_yuan(str(self.terms[name]), field=name)

    def count(self, name: str) -> int:
        return int(self.terms[name])

    @property
    def reference(self) -> dict[str, Any]:
        """What a priced claim records of the version that priced it."""
        return {"id": self.rule_id.value, "version": self.version}

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.rule_id.value,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "terms": dict(self.terms),
        }


def shipped_versions(data: dict[str, Any]) -> dict[RuleId, list[RuleVersion]]:
    """The versions of the package's rule file, numbered 1, 2, ... per rule in date order.
    A malformed file is a packaging mistake: it fails loudly with the entry it is in."""
    books: dict[RuleId, list[dict[str, Any]]] = {rule_id: [] for rule_id in RuleId}
    for number, entry in enumerate(data["rules"], start=1):
        try:
            rule_id = parse_rule_id(entry["id"])
            books[rule_id].append(
                {
                    "effective_from": dt.date.fromisoformat(entry["effective_from"]).isoformat(),
                    "terms": check_terms(rule_id, entry["terms"]),
                }
            )
        except (InvalidValueError, KeyError, ValueError, TypeError) as error:
            raise ValueError(f"shipped rule {number} is malformed: {error}") from error
    return {
        rule_id: _numbered(rule_id, sorted(entries, key=lambda e: e["effective_from"]))
        for rule_id, entries in books.items()
    }


def _numbered(rule_id: RuleId, entries: list[dict[str, Any]]) -> list[RuleVersion]:
    return [
        RuleVersion(
            rule_id=rule_id,
            version=number,
            effective_from=dt.date.fromisoformat(entry["effective_from"]),
            terms=dict(entry["terms"]),
        )
        for number, entry in enumerate(entries, start=1)
    ]


def version_in_force_on(versions: list[RuleVersion], day: dt.date) -> RuleVersion:
    """The latest version whose `effective_from` is on or before `day`."""
    in_force = [version for version in versions if version.effective_from <= day]
    if not in_force:
        rule = versions[0].rule_id if versions else "this"
        first = f" (the first version takes effect on {versions[0].effective_from})"
        raise NoRuleInForceError(f"no {rule} rule is in force on {day}{first if versions else ''}")
    return max(in_force, key=lambda version: version.effective_from)


def a_new_version_takes_effect_after_the_last(
    versions: list[RuleVersion], effective_from: dt.date
) -> None:
    """A version slipped in before the latest would change the price of claims dated between
    the two that are yet to be submitted, behind the back of the version that now governs them."""
    if versions and effective_from <= versions[-1].effective_from:
        latest = versions[-1]
        raise RuleViolatedError(
            f"version {latest.version} of {latest.rule_id} takes effect on "
            f"{latest.effective_from}; a new version must take effect after that",
            field="effective_from",
        )


class RuleBook(NuanxinAggregate):
    """One rule's versions, as stored: seeded with the shipped ones, extended by admins."""

    @staticmethod
    def id_for(rule_id: RuleId) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/rules/{rule_id.value}")

    @classmethod
    def seeded(cls, rule_id: RuleId, shipped: list[RuleVersion]) -> RuleBook:
        return cls(
            id=cls.id_for(rule_id),
            rule_id=rule_id,
            versions=[v.as_data() for v in shipped],
        )

    @event("Started")
    def __init__(self, id: UUID, rule_id: RuleId, versions: list[dict[str, Any]]) -> None:
        self.rule_id = RuleId(rule_id)
        self.entries: list[dict[str, Any]] = [dict(v) for v in versions]

    @property
    def versions(self) -> list[RuleVersion]:
        return _numbered(self.rule_id, self.entries)

    def in_force_on(self, day: dt.date) -> RuleVersion:
        return version_in_force_on(self.versions, day)

    def add_version(self, effective_from: dt.date, terms: dict[str, Any]) -> RuleVersion:
        checked = check_terms(self.rule_id, terms)
        a_new_version_takes_effect_after_the_last(self.versions, effective_from)
        self._version_added(
            version=len(self.entries) + 1,
            effective_from=effective_from.isoformat(),
            terms=checked,
        )
        return self.versions[-1]

    @event("VersionAdded")
    def _version_added(self, version: int, effective_from: str, terms: dict[str, Any]) -> None:
        self.entries.append(
            {
                "id": self.rule_id.value,
                "version": version,
                "effective_from": effective_from,
                "terms": dict(terms),
            }
        )
