"""The transfers' rows in log order: each transfer is recorded at version 1, then posted,
voided or reversed; every recording, posting and voiding implies a debit entry on the account
money leaves and a credit entry on the one it reaches, both carrying the digest of the terms
the transfer was recorded with. At the end of the pass: every reversal moves its original's
amount back, and every transfer connects the kinds of account the domain allows it to."""

from __future__ import annotations

from typing import Any

from application.audit.account_chains import AccountChains
from application.audit.records import (
    TRANSFER_POSTED,
    TRANSFER_RECORDED,
    TRANSFER_VOIDED,
    EventRecord,
    event_name,
    iso_date,
    member,
    positive_fen,
)
from application.audit.report import AggregateKind, Findings, ProblemKind
from application.audit.streams import Entry, TransferStream
from domain.hashing import canonical_uuid
from domain.ledger.hashing import transfer_terms_digest
from domain.ledger.vocabulary import TRANSFER_ROUTES, EntryPhase, Side, TransferKind, TransferState


class TransferRows:
    def __init__(self, findings: Findings) -> None:
        self.streams: dict[str, TransferStream] = {}
        self._findings = findings

    def row(self, record: EventRecord) -> list[Entry]:
        """Checks one transfer row; answers the entries it implies."""
        transfer = self.streams.get(record.originator_id)
        if transfer is None:
            transfer = self.streams[record.originator_id] = TransferStream(
                record.originator_id, position=record.position
            )
        if not transfer.in_sequence(record, self._findings):
            return []
        state = record.state
        if state is None:
            transfer.unreadable(record, self._findings)
            return []
        try:
            return self._transfer_event(transfer, record, state)
        except (KeyError, ValueError, TypeError) as error:
            transfer.misread(record, error, self._findings)
            return []

    def is_troubled(self, transfer_id: str) -> bool:
        transfer = self.streams.get(transfer_id)
        return transfer is not None and transfer.troubled

    def _transfer_event(
        self, transfer: TransferStream, record: EventRecord, state: dict[str, Any]
    ) -> list[Entry]:
        is_opening = record.topic == TRANSFER_RECORDED
        if is_opening != (record.originator_version == 1):
            transfer.troubled = True
            self._findings.add(
                AggregateKind.TRANSFER,
                transfer.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                f"a transfer is recorded at version 1 only, not a {event_name(record.topic)} "
                f"event at version {record.originator_version}",
                record.position,
            )
            return []
        if is_opening:
            transfer.kind = member(TransferKind, state["kind"])
            transfer.from_account_id = canonical_uuid(state["from_account_id"])
            transfer.to_account_id = canonical_uuid(state["to_account_id"])
            transfer.amount_fen = positive_fen(state["amount_fen"])
            reverses = state["reverses"]
            transfer.reverses = None if reverses is None else canonical_uuid(reverses)
            opened_as = member(TransferState, state["state"])
            if opened_as == TransferState.VOIDED:
                raise ValueError("a transfer is recorded posted or pending, never voided")
            occurred_on = iso_date(state["occurred_on"])
            transfer.digest = transfer_terms_digest(
                kind=transfer.kind,
                from_account_id=transfer.from_account_id,
                to_account_id=transfer.to_account_id,
                amount_fen=transfer.amount_fen,
                memo=state["memo"],
                occurred_on=occurred_on,
                cause=state["cause"],
                reverses=transfer.reverses,
            )
            phase = EntryPhase.PENDING if opened_as == TransferState.PENDING else EntryPhase.POSTED
            return _implied(transfer, phase, occurred_on, record.position)
        if record.topic == TRANSFER_POSTED:
            on = iso_date(state["posted_on"])
            return _implied(transfer, EntryPhase.POST_PENDING, on, record.position)
        if record.topic == TRANSFER_VOIDED:
            on = iso_date(state["voided_on"])
            return _implied(transfer, EntryPhase.VOID_PENDING, on, record.position)
        transfer.reversed_by = canonical_uuid(state["reversal_id"])
        return []

    # -- the end of the pass --------------------------------------------------------------------

    def check_reversals(self) -> None:
        for transfer in self.streams.values():
            reversal_id = transfer.reversed_by
            if reversal_id is None or transfer.troubled:
                continue
            reversal = self.streams.get(reversal_id)
            if reversal is None:
                self._findings.add(
                    AggregateKind.TRANSFER,
                    reversal_id,
                    1,
                    ProblemKind.DELETED,
                    f"transfer {transfer.aggregate_id} is reversed by transfer {reversal_id}, "
                    "which has no stored rows",
                    transfer.position,
                )
            elif not reversal.troubled and (
                reversal.reverses != transfer.aggregate_id
                or reversal.kind != TransferKind.REVERSAL
                or reversal.amount_fen != transfer.amount_fen
                or (reversal.from_account_id, reversal.to_account_id)
                != (transfer.to_account_id, transfer.from_account_id)
            ):
                self._findings.add(
                    AggregateKind.TRANSFER,
                    reversal_id,
                    1,
                    ProblemKind.CHANGED,
                    f"it does not move transfer {transfer.aggregate_id}'s amount back between "
                    "its accounts, as its reversal must",
                    reversal.position,
                )

    def check_routes(self, accounts: AccountChains) -> None:
        """Each transfer connects the kinds of account the domain allows: the hashes show
        that nothing was changed since it was recorded, this that what was recorded keeps the
        domain's rules (a bundle rewritten with hashes to match would have to keep them too)."""
        for transfer in self.streams.values():
            if transfer.troubled or transfer.kind is None or transfer.kind not in TRANSFER_ROUTES:
                continue
            expected = TRANSFER_ROUTES[transfer.kind]
            for account_id, kind in zip(
                (transfer.from_account_id, transfer.to_account_id), expected, strict=True
            ):
                account = accounts.streams.get(account_id)
                if account is None or account.troubled or account.kind in (None, kind):
                    continue
                self._findings.add(
                    AggregateKind.ACCOUNT,
                    account_id,
                    1,
                    ProblemKind.CHANGED,
                    f"it is opened as a {account.kind} account, but {transfer.kind} "
                    f"{transfer.aggregate_id} connects it as a {kind} account",
                    transfer.position,
                )


def _implied(
    transfer: TransferStream, phase: EntryPhase, occurred_on: str, position: int
) -> list[Entry]:
    """The debit and the credit entry a transfer's event implies on its two accounts."""
    return [
        Entry(
            transfer.aggregate_id,
            account_id,
            side,
            phase,
            transfer.amount_fen,
            occurred_on,
            transfer.digest,
            position,
            transfer.last_version,
        )
        for account_id, side in (
            (transfer.from_account_id, Side.DEBIT),
            (transfer.to_account_id, Side.CREDIT),
        )
    ]
