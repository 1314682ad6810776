"""The accounts' rows in log order: each account is opened at version 1 with a hash of its
opening, then holds entries whose hashes recompute from their own fields, the account they are
stored under and their version, and chain to the entry before them or to the opening (a row
copied in from another account or another version fails here, though it decrypts: the cipher
does not bind a row to its place). The balances the entries give may go below zero only on
external accounts, as of no business date (a backdated debit must leave every later date
non-negative too, and so must each posting in the journal's date order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.audit.balance import Balance
from application.audit.records import (
    ACCOUNT_OPENED,
    EventRecord,
    iso_date,
    member,
    positive_fen,
)
from application.audit.report import AggregateKind, Findings, ProblemKind
from application.audit.snapshot_checks import SnapshotChecks
from application.audit.streams import OPENING_FIELDS, UNKNOWN_HASH, AccountStream, Entry
from domain.hashing import canonical_uuid
from domain.ledger.account import Account
from domain.ledger.balances import available_change
from domain.ledger.hashing import account_opening_hash, ledger_entry_hash
from domain.ledger.vocabulary import AccountKind, EntryPhase, Side
from domain.money import yuan_from_fen


@dataclass(frozen=True, slots=True)
class Suspect:
    """An entry whose hash or link does not check out; whether it was changed in place or
    inserted is decided at the end, when it is known which entries are missing."""

    account_id: str
    version: int
    position: int
    detail: str


class AccountChains:
    def __init__(self, findings: Findings, snapshots: SnapshotChecks) -> None:
        self.streams: dict[str, AccountStream] = {}
        self.suspects: list[Suspect] = []
        self.totals = Balance()
        """Over every entry that could be read: posted and pending debits equal credits."""
        self._findings = findings
        self._snapshots = snapshots

    def row(self, record: EventRecord) -> Entry | None:
        """Checks one account row; answers the entry it holds, for pairing with its transfer."""
        account = self.streams.get(record.originator_id)
        if account is None:
            account = self.streams[record.originator_id] = AccountStream(record.originator_id)
        if not account.in_sequence(record, self._findings):
            return None
        state = record.state
        if state is None:
            account.unreadable(record, self._findings)
            account.last_hash = UNKNOWN_HASH
            return None
        try:
            if record.topic == ACCOUNT_OPENED:
                self._opened(account, record, state)
                return None
            return self._entry(account, record, state)
        except (KeyError, ValueError, TypeError) as error:
            account.misread(record, error, self._findings)
            account.link_unknown = True
            account.last_hash = UNKNOWN_HASH
            return None

    def heads(self) -> list[tuple[str, int, str]]:
        """Every account's head as the rows read so far leave it, for a seal's root hash."""
        return [
            (account.aggregate_id, account.last_version, account.last_hash)
            for account in self.streams.values()
        ]

    def fund_regions(self) -> list[str]:
        """The region of every fund account opened in the rows read so far."""
        return [
            str(account.opening["region_code"])
            for account in self.streams.values()
            if account.kind == AccountKind.FUND and account.opening is not None
        ]

    def in_region(self, account_id: str, scope: str) -> bool:
        """Whether the account is a fund of region `scope` (a region prefix), or has entries
        that count in it."""
        account = self.streams.get(account_id)
        if account is None:
            return False
        regions = (account.claimed_region, *account.entry_regions)
        return any(region is not None and region.startswith(scope) for region in regions)

    def reaching(self, version: int) -> list[str]:
        """The accounts whose rows reach `version`."""
        return [a.aggregate_id for a in self.streams.values() if a.last_version >= version]

    def is_troubled(self, account_id: str) -> bool:
        account = self.streams.get(account_id)
        return account is not None and account.troubled

    def _opened(self, account: AccountStream, record: EventRecord, state: dict[str, Any]) -> None:
        kind = member(AccountKind, state["kind"])
        if kind == AccountKind.FUND:
            account.claimed_region = str(state["region_code"])
        stored_hash = str(state["opening_hash"])
        recomputed = account_opening_hash(
            account_id=record.originator_id,
            kind=kind,
            name=state["name"],
            source=state["source"],
            programme=state["programme"],
            region_code=state["region_code"],
            family_id=state["family_id"],
        )
        is_first = record.originator_version == 1
        problem = None
        if not is_first:
            problem = f"an account is opened at version 1, not {record.originator_version}"
        elif kind == AccountKind.EXTERNAL and record.originator_id != str(
            Account.external_id(str(state["name"]))
        ):
            problem = f"an external account named {state['name']!r} has another id"
        elif kind == AccountKind.BENEFICIARY and record.originator_id != str(
            Account.beneficiary_id(UUID(str(state["family_id"])))
        ):
            problem = f"the account of family {state['family_id']} has another id"
        elif recomputed != stored_hash:
            problem = "its opening hash does not recompute from its fields and account"
        if is_first:
            account.last_hash = stored_hash
        if problem is not None:
            # Changed, or copied in from another account: its fields are not this account's.
            # Its first entry's link to it is not judged, since that would tell the same.
            account.troubled = True
            account.link_unknown = account.link_unknown or is_first
            self._findings.add(
                AggregateKind.ACCOUNT,
                account.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                problem,
                record.position,
            )
            return
        account.kind = kind
        account.opening = {name: state.get(name) for name in OPENING_FIELDS}

    def _entry(self, account: AccountStream, record: EventRecord, state: dict[str, Any]) -> Entry:
        region = state.get("region_code")
        if isinstance(region, str):
            account.entry_regions.add(region)
        version = record.originator_version
        transfer_id = canonical_uuid(state["transfer_id"])
        side = member(Side, state["side"])
        phase = member(EntryPhase, state["phase"])
        amount_fen = positive_fen(state["amount_fen"])
        previous_hash = str(state["previous_hash"])
        stored_hash = str(state["entry_hash"])
        occurred_on = iso_date(state["occurred_on"])
        transfer_digest = str(state["transfer_digest"])
        recomputed = ledger_entry_hash(
            account_id=record.originator_id,
            version=version,
            transfer_id=transfer_id,
            side=side,
            phase=phase,
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            counterparty_id=str(state["counterparty_id"]),
            transfer_digest=transfer_digest,
            previous_hash=previous_hash,
        )
        hash_holds = recomputed == stored_hash
        link_holds = account.link_unknown or previous_hash == account.last_hash
        if version == 1:
            hash_holds = False  # version 1 is the opening: an entry there was put in its place
        if not (hash_holds and link_holds):
            account.troubled = True
            reasons = []
            if not hash_holds:
                reasons.append("its hash does not recompute from its fields, account and version")
            if not link_holds:
                reasons.append("it does not chain to the entry before it")
            self.suspects.append(
                Suspect(account.aggregate_id, version, record.position, "; ".join(reasons))
            )
        account.link_unknown = not hash_holds
        account.last_hash = stored_hash
        account.balance.add_entry(side, phase, amount_fen)
        account.dated.add_dated_entry(side, phase, amount_fen, occurred_on)
        self.totals.add_entry(side, phase, amount_fen)
        every = self._snapshots.every
        if every and version % every == 0:
            self._snapshots.note(account, version, record.position)
        if (
            account.kind is not None
            and account.kind != AccountKind.EXTERNAL
            and available_change(side, phase, amount_fen) < 0
            and not account.troubled
            and not account.overdrawn
        ):
            # Only an entry that lowers `available` can overdraw, and only as of its own date
            # and later ones: O(number of dates) per such entry, as the aggregate checks it.
            lowest, lowest_on = account.dated.lowest_available_from(occurred_on)
            if lowest < 0:
                account.overdrawn = True
                self._findings.add(
                    AggregateKind.ACCOUNT,
                    account.aggregate_id,
                    version,
                    ProblemKind.OVERDRAWN,
                    f"a {account.kind} account has {yuan_from_fen(lowest)} available as of "
                    f"{lowest_on} after this entry",
                    record.position,
                )
        return Entry(
            transfer_id,
            account.aggregate_id,
            side,
            phase,
            amount_fen,
            occurred_on,
            transfer_digest,
            record.position,
            version,
        )
