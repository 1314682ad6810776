"""The ledger's hash chain. Each account's chain starts from a hash of its opening (its id,
kind, name, source, programme, region and family), and each entry is an event of its account
carrying a hash over its own fields, the digest of its transfer's terms (kind, accounts,
amount, memo, date, cause) and the hash of the account's previous entry (or of the opening).
So a changed, inserted or deleted entry breaks the chain, and so does a change to an opening
or to a transfer's terms."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from domain.hashing import canonical_date, canonical_uuid, sha256_of_canonical_json
from domain.ledger.vocabulary import (
    AccountKind,
    Cause,
    EntryPhase,
    FundSource,
    Programme,
    Side,
    TransferKind,
)


def ledger_entry_hash(
    *,
    account_id: UUID | str,
    version: int,
    transfer_id: UUID | str,
    side: Side | str,
    phase: EntryPhase | str,
    amount_fen: int,
    occurred_on: dt.date | str,
    counterparty_id: UUID | str,
    transfer_digest: str,
    previous_hash: str,
) -> str:
    """The sha256 (hex) of one entry. Accepts ids and dates as objects or as the strings an
    exported bundle holds, and normalises both, so an offline verifier gets the same hash."""
    canonical = {
        "account_id": canonical_uuid(account_id),
        "version": version,
        "transfer_id": canonical_uuid(transfer_id),
        "side": Side(side).value,
        "phase": EntryPhase(phase).value,
        "amount_fen": amount_fen,
        "occurred_on": canonical_date(occurred_on),
        "counterparty_id": canonical_uuid(counterparty_id),
        "transfer_digest": transfer_digest,
        "previous_hash": previous_hash,
    }
    return sha256_of_canonical_json(canonical)


def account_opening_hash(
    *,
    account_id: UUID | str,
    kind: AccountKind | str,
    name: str,
    source: FundSource | str | None,
    programme: Programme | str | None,
    region_code: str | None,
    family_id: UUID | str | None,
) -> str:
    """The sha256 (hex) of an account's opening, which its first entry chains to: an opening
    changed, or swapped with another account's, no longer hashes to it. Normalised as
    `ledger_entry_hash` is."""
    canonical = {
        "account_id": canonical_uuid(account_id),
        "kind": AccountKind(kind).value,
        "name": name,
        "source": None if source is None else FundSource(source).value,
        "programme": None if programme is None else Programme(programme).value,
        "region_code": region_code,
        "family_id": None if family_id is None else canonical_uuid(family_id),
    }
    return sha256_of_canonical_json(canonical)


def transfer_terms_digest(
    *,
    kind: TransferKind | str,
    from_account_id: UUID | str,
    to_account_id: UUID | str,
    amount_fen: int,
    memo: str,
    occurred_on: dt.date | str,
    cause: Cause,
    reverses: UUID | str | None,
) -> str:
    """The sha256 (hex) of what a transfer was recorded as, which both of its accounts' entries
    carry in their hashes: a transfer's memo or cause changed after the fact no longer matches
    its entries. Normalised as `ledger_entry_hash` is; the memo and the cause are taken as
    they are, so that a change of type changes the digest too."""
    canonical = {
        "kind": TransferKind(kind).value,
        "from_account_id": canonical_uuid(from_account_id),
        "to_account_id": canonical_uuid(to_account_id),
        "amount_fen": amount_fen,
        "memo": memo,
        "occurred_on": canonical_date(occurred_on),
        "cause": cause,
        "reverses": None if reverses is None else canonical_uuid(reverses),
    }
    return sha256_of_canonical_json(canonical)
