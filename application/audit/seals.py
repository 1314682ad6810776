"""Period closes of the ledger (日结 / 月结): recording a seal over a ledger that verifies, and
reading the seals back. The seal itself and its hashes are the domain's (`domain.seal`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from application.audit.store import log_head
from application.audit.verify import check_store
from application.base import CommandResult, Decision, NuanxinBase
from application.errors import ConcurrencyError
from application.principal import Principal
from domain.errors import RuleViolatedError
from domain.permissions import Action
from domain.seal import LedgerSeal, ledger_root_hash

SEAL_ATTEMPTS = 5


class LedgerNotVerifiedError(RuleViolatedError):
    """A period is not closed over a ledger that fails verification: the seal would bless it."""


class _SealOvertakenError(Exception):
    """Another seal was recorded while this one's ledger was being verified."""


def seal_body(seal: LedgerSeal) -> dict[str, Any]:
    return {
        "id": str(seal.id),
        "version": seal.version,
        "sequence": seal.sequence,
        "position": seal.position,
        "accounts": seal.accounts,
        "root_hash": seal.root_hash,
        "previous_seal_id": str(seal.previous_seal_id) if seal.previous_seal_id else None,
        "previous_seal_hash": seal.previous_seal_hash,
        "seal_hash": seal.seal_hash,
        "sealed_at": seal.sealed_at.isoformat(),
        "sealed_by": seal.sealed_by,
        "sealed_by_id": seal.sealed_by_id,
    }


def latest_seal(app: NuanxinBase) -> LedgerSeal | None:
    """Seals are numbered 1..n with ids derived from the numbers, so the last one is found
    in about 2·log2(n) look-ups: double the number until one is missing, then bisect."""
    if not _seal_exists(app, 1):
        return None
    present, absent = 1, 2
    while _seal_exists(app, absent):
        present, absent = absent, absent * 2
    while absent - present > 1:
        middle = (present + absent) // 2
        if _seal_exists(app, middle):
            present = middle
        else:
            absent = middle
    return _load_seal(app, present)


def count_seals(app: NuanxinBase) -> int:
    seal = latest_seal(app)
    return 0 if seal is None else seal.sequence


def list_seals(
    app: NuanxinBase, *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """Seals in the order they were made, each naming the one before it."""
    last = count_seals(app)
    end = last if limit is None else min(last, offset + limit)
    return [seal_body(_load_seal(app, sequence)) for sequence in range(offset + 1, end + 1)]


def record_seal(
    app: NuanxinBase, principal: Principal, *, idempotency_key: str | None = None
) -> CommandResult:
    """Closes the ledger up to the log's current position: verifies it up to there, then
    records a seal over its root hash, chained to the previous seal.

    The verification, a pass over the whole ledger, runs before the command's decision, which
    holds the application's decision lock and so must stay short. The decision then checks
    that no seal came in meanwhile; if one did, the ledger is verified again after it. A seal
    from another process takes the same number and is refused by the event store."""
    principal.require(Action.SEAL_LEDGER)
    for _ in range(SEAL_ATTEMPTS):
        previous = latest_seal(app)
        # Read after the previous seal, so the position covers at least what that seal did.
        position = log_head(app)
        checker = check_store(app, stop=position)
        report = checker.finish()
        if not report.ok:
            first = report.problems[0]
            raise LedgerNotVerifiedError(
                f"the ledger does not verify, so it is not sealed: {first['problem']} at "
                f"{first['aggregate']} {first['account_id']} version {first['version']}: "
                f"{first['detail']} ({len(report.problems)} problems; see GET /ledger/verify)"
            )
        decide = _seal_decision(app, principal, previous, position, checker.accounts.heads())
        try:
            return app.execute(
                principal, decide, idempotency_key=idempotency_key, fingerprint=("seal_ledger",)
            )
        except _SealOvertakenError:
            continue
    raise ConcurrencyError("other seals kept being recorded meanwhile; try again")


def seal_ledger(app: NuanxinBase, principal: Principal) -> dict[str, Any]:
    """Records a seal (admins only) and answers its body."""
    return record_seal(app, principal).body


def _seal_exists(app: NuanxinBase, sequence: int) -> bool:
    return app.exists(LedgerSeal.create_id(sequence))


def _load_seal(app: NuanxinBase, sequence: int) -> LedgerSeal:
    seal: LedgerSeal = app.load(LedgerSeal.create_id(sequence), LedgerSeal, "seal")
    return seal


def _seal_decision(
    app: NuanxinBase,
    principal: Principal,
    previous: LedgerSeal | None,
    position: int,
    heads: list[tuple[str, int, str]],
) -> Callable[[], Decision]:
    def decide() -> Decision:
        latest = latest_seal(app)
        if (latest.id if latest else None) != (previous.id if previous else None):
            raise _SealOvertakenError()
        seal = LedgerSeal.close_period(
            previous=previous,
            position=position,
            root_hash=ledger_root_hash(heads, position),
            accounts=len(heads),
            sealed_at=dt.datetime.now(dt.UTC),
            sealed_by=principal.name,
            sealed_by_id=principal.user_id,
        )
        return [seal], seal_body(seal)

    return decide
