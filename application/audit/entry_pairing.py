"""Stored entries paired with the transfer events that imply them: every entry a transfer
implies is on both of its accounts, and every entry belongs to a transfer that implies it.
This is what finds the deletion of an account's last row, which leaves no gap in its versions,
and it decides whether an entry that fails its hash was changed in place or inserted."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.audit.account_chains import AccountChains
from application.audit.report import AggregateKind, Findings, ProblemKind
from application.audit.streams import Entry
from application.audit.transfer_rows import TransferRows
from domain.ledger.vocabulary import Side


@dataclass(slots=True)
class _Unmatched:
    """A transfer's entries not yet paired with the transfer events that imply them. The
    entries and the transfer of one save are adjacent in the log, so this stays small."""

    implied: list[Entry] = field(default_factory=list)
    stored: list[Entry] = field(default_factory=list)


class EntryPairing:
    def __init__(self, findings: Findings) -> None:
        self._findings = findings
        self._unmatched: dict[str, _Unmatched] = {}

    def pair(self, entry: Entry, *, stored: bool) -> None:
        """Pairs a stored entry with the transfer event implying it, whichever comes first."""
        unmatched = self._unmatched.get(entry.transfer_id)
        if unmatched is None:
            unmatched = self._unmatched[entry.transfer_id] = _Unmatched()
        mine, theirs = (
            (unmatched.stored, unmatched.implied)
            if stored
            else (unmatched.implied, unmatched.stored)
        )
        key = entry.key
        for index, other in enumerate(theirs):
            if other.key == key:
                del theirs[index]
                if not unmatched.stored and not unmatched.implied:
                    del self._unmatched[entry.transfer_id]
                return
        mine.append(entry)

    # -- the end of the pass --------------------------------------------------------------------

    def finish(self, accounts: AccountChains, transfers: TransferRows) -> None:
        """Reports what stays unpaired, and the accounts' suspect entries as changed or
        inserted."""
        suspect_at = {(s.account_id, s.version) for s in accounts.suspects}
        for unmatched in self._unmatched.values():
            self._pair_alike(unmatched, transfers, suspect_at)
        missing_by_account: dict[str, list[Entry]] = {}
        extra: set[tuple[str, int]] = set()
        for unmatched in self._unmatched.values():
            for entry in unmatched.implied:
                missing_by_account.setdefault(entry.account_id, []).append(entry)
            extra.update((entry.account_id, entry.version) for entry in unmatched.stored)
        # A suspect entry that no transfer implies, on an account missing nothing, was put
        # there as an extra row; otherwise it stands where another entry was.
        for suspect in accounts.suspects:
            inserted = (suspect.account_id, suspect.version) in extra and not (
                missing_by_account.get(suspect.account_id)
            )
            self._findings.add(
                AggregateKind.ACCOUNT,
                suspect.account_id,
                suspect.version,
                ProblemKind.INSERTED if inserted else ProblemKind.CHANGED,
                suspect.detail,
                suspect.position,
            )
        for transfer_id, unmatched in self._unmatched.items():
            self._stored_without_transfer_event(
                transfer_id, unmatched, suspect_at, accounts, transfers
            )
        for account_id, missing in missing_by_account.items():
            account = accounts.streams.get(account_id)
            if account is not None and account.troubled:
                continue
            last_version = account.last_version if account is not None else 0
            missing.sort(key=lambda entry: entry.position)
            for offset, entry in enumerate(missing, start=1):
                if transfers.is_troubled(entry.transfer_id):
                    continue
                self._findings.add(
                    AggregateKind.ACCOUNT,
                    account_id,
                    last_version + offset,
                    ProblemKind.DELETED,
                    f"{entry.describe()} is not on the account, whose rows end at "
                    f"version {last_version}",
                    entry.position,
                )

    def _pair_alike(
        self, unmatched: _Unmatched, transfers: TransferRows, suspect_at: set[tuple[str, int]]
    ) -> None:
        """A transfer whose entries are all there, but dated otherwise than its events say or
        made for other terms than it was recorded with: its row was changed (its memo or cause,
        say), or swapped with another transfer's of the same accounts and amount. One finding,
        on the transfer; none where the entry's own hash fails, since that entry is the one
        found changed."""
        for implied in list(unmatched.implied):
            stored = next(
                (e for e in unmatched.stored if e.key[:4] == implied.key[:4]),
                None,
            )
            if stored is None:
                continue
            unmatched.implied.remove(implied)
            unmatched.stored.remove(stored)
            transfer = transfers.streams.get(implied.transfer_id)
            if transfer is None or transfer.troubled:
                continue
            if (stored.account_id, stored.version) in suspect_at:
                continue
            self._findings.add(
                AggregateKind.TRANSFER,
                implied.transfer_id,
                implied.version,
                ProblemKind.CHANGED,
                _how_they_differ(implied, stored),
                implied.position,
            )

    def _stored_without_transfer_event(
        self,
        transfer_id: str,
        unmatched: _Unmatched,
        suspect_at: set[tuple[str, int]],
        accounts: AccountChains,
        transfers: TransferRows,
    ) -> None:
        """Entries that no transfer event implies: the transfer's event was deleted, or the
        entries were inserted."""
        extras = [
            entry
            for entry in unmatched.stored
            if (entry.account_id, entry.version) not in suspect_at
            and not accounts.streams[entry.account_id].troubled
        ]
        if not extras or transfers.is_troubled(transfer_id):
            return
        transfer = transfers.streams.get(transfer_id)
        where = ", ".join(f"account {e.account_id} version {e.version}" for e in extras)
        if transfer is None:
            self._findings.add(
                AggregateKind.TRANSFER,
                transfer_id,
                1,
                ProblemKind.DELETED,
                f"entries ({where}) belong to transfer {transfer_id}, which has no stored rows",
                min(e.position for e in extras),
            )
            return
        # A debit on the paying and a credit on the receiving account, of one phase and the
        # transfer's amount: the transfer's own event that made them is gone.
        debits = {
            e.phase: e
            for e in extras
            if e.side == Side.DEBIT
            and e.account_id == transfer.from_account_id
            and e.amount_fen == transfer.amount_fen
        }
        for credit in [e for e in extras if e.side == Side.CREDIT]:
            debit = debits.pop(credit.phase, None)
            if debit is None or credit.account_id != transfer.to_account_id:
                continue
            extras.remove(debit)
            extras.remove(credit)
            self._findings.add(
                AggregateKind.TRANSFER,
                transfer_id,
                transfer.last_version + 1,
                ProblemKind.DELETED,
                f"its {credit.phase} entries (account {debit.account_id} version "
                f"{debit.version}, account {credit.account_id} version {credit.version}) "
                f"have no transfer event after version {transfer.last_version}",
                min(debit.position, credit.position),
            )
        for entry in extras:
            self._findings.add(
                AggregateKind.ACCOUNT,
                entry.account_id,
                entry.version,
                ProblemKind.INSERTED,
                f"{entry.describe()} is not one that the transfer made",
                entry.position,
            )


def _how_they_differ(implied: Entry, stored: Entry) -> str:
    where = f"account {stored.account_id} version {stored.version}"
    if implied.occurred_on != stored.occurred_on:
        return (
            f"it dates its {implied.phase} entries {implied.occurred_on}, but {where} holds "
            f"one dated {stored.occurred_on}"
        )
    return (
        f"its recorded terms (kind, accounts, amount, memo, date, cause) have digest "
        f"{implied.transfer_digest}, but {where} holds its {implied.phase} entry made for "
        f"terms with digest {stored.transfer_digest}"
    )
