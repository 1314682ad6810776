"""Period closes of the fund ledger (日结 / 月结): each seal fixes a root hash over every ledger
account as the event log stood at a position, and chains to the seal before it.

A later change, insertion or deletion of any ledger event up to that position changes the root
hash recomputed from the stored events, so the seal no longer matches; a change to a seal breaks
the chain of seal hashes after it. The hash functions are pure and take the strings an exported
bundle holds, so that an auditor's offline verifier gets the same hashes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import RuleViolatedError
from domain.hashing import sha256_of_canonical_json

GENESIS_SEAL_HASH = "0" * 64
"""The `previous_seal_hash` of the first seal."""

AccountHead = tuple[UUID | str, int, str]
"""A ledger account as a seal sees it: (account id, its last version, the entry hash of its
last entry, or the hash of its opening while it has none)."""


def ledger_root_hash(heads: Iterable[AccountHead], position: int) -> str:
    """The sha256 (hex) over every ledger account's head as of notification `position`:
    canonical JSON of the sorted [account_id, last_version, last_entry_hash] list, plus the
    position. Each entry hash chains all the account's earlier entries, so the heads stand
    for the whole ledger up to the position."""
    accounts = sorted(
        [str(UUID(str(account_id))), last_version, last_hash]
        for account_id, last_version, last_hash in heads
    )
    return sha256_of_canonical_json({"accounts": accounts, "position": position})


def seal_chain_hash(
    *, previous_seal_hash: str, root_hash: str, position: int, sealed_at: dt.datetime | str
) -> str:
    """The sha256 (hex) of one seal, chained to the seal before it."""
    moment = dt.datetime.fromisoformat(sealed_at) if isinstance(sealed_at, str) else sealed_at
    return sha256_of_canonical_json(
        {
            "previous_seal_hash": previous_seal_hash,
            "root_hash": root_hash,
            "position": position,
            "sealed_at": moment.isoformat(),
        }
    )


class SealOutOfOrderError(RuleViolatedError):
    """A seal covers at least what the seal before it covered."""


class LedgerSeal(NuanxinAggregate):
    """Seal number n has an id derived from n, so two seals made at once from the same
    predecessor claim the same id: the event store records the first and refuses the second,
    which is then made again after the new predecessor (one chain, never a fork)."""

    @staticmethod
    def create_id(sequence: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/ledger/seals/{sequence}")

    @classmethod
    def close_period(
        cls,
        *,
        previous: LedgerSeal | None,
        position: int,
        root_hash: str,
        accounts: int,
        sealed_at: dt.datetime,
        sealed_by: str,
        sealed_by_id: str,
    ) -> LedgerSeal:
        if sealed_at.tzinfo is None:
            raise ValueError("a seal's time carries its offset")
        if previous is not None and position < previous.position:
            raise SealOutOfOrderError(
                f"seal {previous.sequence} already covers position {previous.position}, "
                f"beyond {position}"
            )
        previous_seal_hash = GENESIS_SEAL_HASH if previous is None else previous.seal_hash
        return cls(
            sequence=1 if previous is None else previous.sequence + 1,
            position=position,
            root_hash=root_hash,
            accounts=accounts,
            previous_seal_id=None if previous is None else previous.id,
            previous_seal_hash=previous_seal_hash,
            sealed_at=sealed_at,
            seal_hash=seal_chain_hash(
                previous_seal_hash=previous_seal_hash,
                root_hash=root_hash,
                position=position,
                sealed_at=sealed_at,
            ),
            sealed_by=sealed_by,
            sealed_by_id=sealed_by_id,
        )

    @event("Sealed")
    def __init__(
        self,
        sequence: int,
        position: int,
        root_hash: str,
        accounts: int,
        previous_seal_id: UUID | None,
        previous_seal_hash: str,
        sealed_at: dt.datetime,
        seal_hash: str,
        sealed_by: str,
        sealed_by_id: str,
    ) -> None:
        self.sequence = sequence
        self.position = position
        self.root_hash = root_hash
        self.accounts = accounts
        self.previous_seal_id = previous_seal_id
        self.previous_seal_hash = previous_seal_hash
        self.sealed_at = sealed_at
        self.seal_hash = seal_hash
        self.sealed_by = sealed_by
        self.sealed_by_id = sealed_by_id
