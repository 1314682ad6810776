"""The Transfer aggregate: one movement of money between two accounts, posted at once or
pending and then posted or voided, and reversed at most once."""

from __future__ import annotations

import datetime as dt
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError
from domain.ledger.errors import TransferNotPendingError, TransferNotReversibleError
from domain.ledger.hashing import transfer_terms_digest
from domain.ledger.vocabulary import Cause, TransferKind, TransferState


class Transfer(NuanxinAggregate):
    """Made only through `domain.ledger.operations`, which enters both of its sides on the
    accounts."""

    # Stored events and snapshots name their class by topic ("domain.ledger:Transfer.Recorded"),
    # and subscriptions filter on it: the topic keeps the module this class was first in.
    __module__ = "domain.ledger"

    @staticmethod
    def id_for(scope: str, idempotency_key: str | None) -> UUID:
        """A retried request carries the same key and so names the same transfer, which the
        event store then refuses to record twice."""
        if idempotency_key is None:
            return uuid4()
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/{scope}/{idempotency_key}")

    @staticmethod
    def reversal_id(original_id: UUID) -> UUID:
        """One possible id per original, so that two concurrent reversals conflict on save."""
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/reversal/{original_id}")

    @event("Recorded")
    def __init__(
        self,
        id: UUID,
        kind: TransferKind,
        from_account_id: UUID,
        to_account_id: UUID,
        amount_fen: int,
        memo: str,
        occurred_on: dt.date,
        cause: Cause,
        state: TransferState,
        reverses: UUID | None,
        # Who recorded it, who may therefore not settle it; absent from transfers recorded
        # before the rule, whose recorder is then not known here.
        recorded_by: str | None = None,
        # The region of the family whose account the transfer pays into (or, reversed, takes
        # back from), when it was recorded: the family's leg counts there. Absent from
        # transfers recorded before the rule.
        family_region: str | None = None,
    ) -> None:
        self.kind = TransferKind(kind)
        self.from_account_id = from_account_id
        self.to_account_id = to_account_id
        self.amount_fen = amount_fen
        self.memo = memo
        self.occurred_on = occurred_on
        self.cause = dict(cause)
        self.state = TransferState(state)
        self.posted_on = occurred_on if self.state == TransferState.POSTED else None
        self.voided_on: dt.date | None = None
        self.void_reason: str | None = None
        self.reverses = reverses
        self.reversed_by: UUID | None = None
        self.recorded_by = recorded_by
        self.family_region = family_region

    def terms_digest(self) -> str:
        """The digest of what the transfer was recorded as, which its entries carry."""
        return transfer_terms_digest(
            kind=self.kind,
            from_account_id=self.from_account_id,
            to_account_id=self.to_account_id,
            amount_fen=self.amount_fen,
            memo=self.memo,
            occurred_on=self.occurred_on,
            cause=self.cause,
            reverses=self.reverses,
        )

    def check_pending(self) -> None:
        if self.state != TransferState.PENDING:
            raise TransferNotPendingError(self.id, self.state)

    def post(self, posted_on: dt.date) -> None:
        self.check_pending()
        _check_not_before(posted_on, self.occurred_on, field="posted_on")
        self._posted(posted_on=posted_on)

    @event("Posted")
    def _posted(self, posted_on: dt.date) -> None:
        self.state = TransferState.POSTED
        self.posted_on = posted_on

    def void(self, voided_on: dt.date, reason: str) -> None:
        self.check_pending()
        _check_not_before(voided_on, self.occurred_on, field="voided_on")
        if not reason.strip():
            raise InvalidValueError("a void needs a reason", field="reason")
        self._voided(voided_on=voided_on, reason=reason)

    @event("Voided")
    def _voided(self, voided_on: dt.date, reason: str) -> None:
        self.state = TransferState.VOIDED
        self.voided_on = voided_on
        self.void_reason = reason

    def mark_reversed(self, reversal_id: UUID, reversed_on: dt.date) -> None:
        posted_on = self.posted_on
        if self.state != TransferState.POSTED or posted_on is None:
            hint = "; void it instead" if self.state == TransferState.PENDING else ""
            raise TransferNotReversibleError(
                f"transfer {self.id} is {self.state}; only a posted transfer is reversed{hint}"
            )
        if self.kind == TransferKind.REVERSAL:
            # Reversing a reversal would loop; a fresh transfer says what is meant.
            raise TransferNotReversibleError(
                f"transfer {self.id} is itself a reversal; record a new transfer instead"
            )
        if self.reversed_by is not None:
            raise TransferNotReversibleError(
                f"transfer {self.id} is already reversed by transfer {self.reversed_by}"
            )
        _check_not_before(reversed_on, posted_on, field="reversed_on")
        self._reversed(reversal_id=reversal_id, reversed_on=reversed_on)

    @event("Reversed")
    def _reversed(self, reversal_id: UUID, reversed_on: dt.date) -> None:
        self.reversed_by = reversal_id


def _check_not_before(day: dt.date, earliest: dt.date, *, field: str) -> None:
    if day < earliest:
        raise InvalidValueError(f"{field} cannot be before {earliest}", field=field)
