"""The ledger's hash chain. Each account's chain starts from a hash of its opening (its id,
kind, name, source, programme, region and family), and each entry is an event of its account
carrying a hash over its own fields, the digest of its transfer's terms (kind, accounts,
amount, memo, date, cause) and the hash of the account's previous entry (or of the opening).
So a changed, inserted or deleted entry breaks the chain, and so does a change to an opening
or to a transfer's terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from uuid import UUID

from domain.hashing import canonical_date, canonical_uuid, json_text, sha256_of_text
from domain.ledger.vocabulary import (
    AccountKind,
    Cause,
    EntryPhase,
    FundSource,
    Programme,
    Side,
    TransferKind,
)


def _template(*members: str) -> str:
    """The canonical JSON of an object (`domain.hashing.sha256_of_canonical_json`) with these
    members, as a %-template to fill with each value's JSON text (`json_text`) in the same
    order: the hash of a verified row is taken without building and sorting a dict for it.
    A member given as `name:text` is filled with text that needs no escaping (a canonical id,
    date or vocabulary value), so its quotes are in the template. The members must be in the
    encoder's (sorted) order."""
    names = [member.partition(":")[0] for member in members]
    if names != sorted(names):
        raise ValueError(f"members in sorted order, not {names}")
    return (
        "{"
        + ",".join(
            f'"{name}":"%s"' if member.endswith(":text") else f'"{name}":%s'
            for name, member in zip(names, members, strict=True)
        )
        + "}"
    )


_ENTRY = _template(
    "account_id:text",
    "amount_fen",
    "counterparty_id:text",
    "occurred_on:text",
    "phase:text",
    "previous_hash",
    "side:text",
    "transfer_digest",
    "transfer_id:text",
    "version",
)
_OPENING = _template(
    "account_id:text", "family_id", "kind:text", "name", "programme", "region_code", "source"
)
_TERMS = _template(
    "amount_fen",
    "cause",
    "from_account_id:text",
    "kind:text",
    "memo",
    "occurred_on:text",
    "reverses",
    "to_account_id:text",
)


def _values(enum: type[StrEnum]) -> dict[str, str]:
    return {member.value: member.value for member in enum}


_SIDES, _PHASES, _ACCOUNT_KINDS, _TRANSFER_KINDS = (
    _values(Side),
    _values(EntryPhase),
    _values(AccountKind),
    _values(TransferKind),
)
_FUND_SOURCES, _PROGRAMMES = _values(FundSource), _values(Programme)


def _value_of(values: Mapping[str, str], enum: type[StrEnum], given: str) -> str:
    """A vocabulary's value named by a member or its text (a StrEnum member is its text, so
    one look-up serves both); anything else is refused by the vocabulary itself."""
    try:
        return values[given]
    except (KeyError, TypeError):
        return enum(given).value


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
    return sha256_of_text(
        _ENTRY
        % (
            canonical_uuid(account_id),
            json_text(amount_fen),
            canonical_uuid(counterparty_id),
            canonical_date(occurred_on),
            _value_of(_PHASES, EntryPhase, phase),
            json_text(previous_hash),
            _value_of(_SIDES, Side, side),
            json_text(transfer_digest),
            canonical_uuid(transfer_id),
            json_text(version),
        )
    )


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
    return sha256_of_text(
        _OPENING
        % (
            canonical_uuid(account_id),
            json_text(None if family_id is None else canonical_uuid(family_id)),
            _value_of(_ACCOUNT_KINDS, AccountKind, kind),
            json_text(name),
            json_text(None if programme is None else _value_of(_PROGRAMMES, Programme, programme)),
            json_text(region_code),
            json_text(None if source is None else _value_of(_FUND_SOURCES, FundSource, source)),
        )
    )


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
    return sha256_of_text(
        _TERMS
        % (
            json_text(amount_fen),
            json_text(cause),
            canonical_uuid(from_account_id),
            _value_of(_TRANSFER_KINDS, TransferKind, kind),
            json_text(memo),
            canonical_date(occurred_on),
            json_text(None if reverses is None else canonical_uuid(reverses)),
            canonical_uuid(to_account_id),
        )
    )
