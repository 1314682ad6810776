"""What a verification answers: the problems it finds, each named by aggregate, version and
kind, and the report over a whole pass."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ProblemKind(StrEnum):
    CHANGED = "changed"
    INSERTED = "inserted"
    DELETED = "deleted"
    OVERDRAWN = "overdrawn"
    UNBALANCED = "unbalanced"
    BALANCE_MISMATCH = "balance_mismatch"
    SEAL_MISMATCH = "seal_mismatch"
    SEAL_CHAIN = "seal_chain"
    UNSIGNED = "unsigned"
    """A seal without a signature: anyone with the server could have made it."""
    LEGACY_SEAL = "legacy_seal"
    """A seal made before seals were signed: unsigned, and fixing the ledger accounts only."""
    BAD_SIGNATURE = "bad_signature"
    """A seal whose signature the auditors' public key does not accept."""


class AggregateKind(StrEnum):
    ACCOUNT = "account"
    TRANSFER = "transfer"
    SEAL = "seal"
    SNAPSHOT = "snapshot"
    LEDGER = "ledger"
    """The log or the bundle as a whole."""


Aggregate = AggregateKind | str
"""Where a problem is: one of the ledger's kinds, or the name of any other aggregate of the log
("family", "service_record", ...), which the per-aggregate chains cover too."""


@dataclass(frozen=True, slots=True)
class Problem:
    aggregate: Aggregate
    account_id: str | None
    version: int | None
    problem: ProblemKind
    detail: str
    position: int
    """Where in the log the problem shows, which orders the report."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "version": self.version,
            "problem": self.problem.value,
            "detail": self.detail,
            "aggregate": str(self.aggregate),
            "position": self.position,
        }


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    problems: list[dict[str, Any]]
    position: int = 0
    """The last notification id the check covered."""
    seals: int = 0
    last_seal_hash: str | None = None
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The response body of DESIGN.md section 9."""
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


class Findings:
    """The problems found during a pass, in the order they were found; the report orders them
    by where they show in the log."""

    def __init__(self, *, ignored: frozenset[ProblemKind] = frozenset()) -> None:
        self._problems: list[Problem] = []
        self.ignored = ignored
        """Kinds of problem left out of the report (sealing over legacy seals, say)."""

    def add(
        self,
        aggregate: Aggregate,
        aggregate_id: str | None,
        version: int | None,
        problem: ProblemKind,
        detail: str,
        position: int,
    ) -> None:
        if problem in self.ignored:
            return
        self._problems.append(Problem(aggregate, aggregate_id, version, problem, detail, position))

    def report(
        self,
        *,
        checked: int,
        position: int,
        seals: int,
        last_seal_hash: str | None,
        seconds: float,
    ) -> VerifyReport:
        problems: dict[tuple[str, str | None, int | None, str, str], Problem] = {}
        for problem in sorted(self._problems, key=_place_in_report):
            # One finding per place and kind: a deleted reversal shows both from the
            # transfer it reverses and from its entries, but it is one deletion. Problems of
            # the log or the bundle as a whole are told apart by what they say.
            whole = problem.account_id is None or problem.aggregate == AggregateKind.LEDGER
            place = problem.detail if whole else ""
            key = (
                str(problem.aggregate),
                problem.account_id,
                problem.version,
                problem.problem,
                place,
            )
            problems.setdefault(key, problem)
        return VerifyReport(
            ok=not problems,
            checked=checked,
            problems=[p.to_dict() for p in problems.values()],
            position=position,
            seals=seals,
            last_seal_hash=last_seal_hash,
            seconds=seconds,
        )


def _place_in_report(problem: Problem) -> tuple[int, str, int, bool]:
    """Log order, then aggregate and version; at one place, what is wrong with the log or the
    bundle as a whole (a line out of order, say) comes before what it does to the aggregate."""
    whole = problem.aggregate == AggregateKind.LEDGER
    return (problem.position, problem.account_id or "", problem.version or 0, not whole)
