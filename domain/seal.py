"""Period closes of the log (日结 / 月结): each seal fixes a root hash over the head of every
aggregate's event chain (`domain.event_chain`) as the log stood at a position, chains to the
seal before it, and is signed with an Ed25519 key that only the auditors hold.

A later change, insertion or deletion of any event up to that position changes the root hash
recomputed from the stored events, so the seal no longer matches; a seal changed, or redone by
someone without the auditors' private key, no longer carries a signature that their public key
accepts. Each seal also lists the heads of the aggregates that changed since the seal before it,
so that a mismatch names the aggregate. The hash functions are pure and take the strings an
exported bundle holds, so that an auditor's offline verifier gets the same hashes.

Seals made before seals were signed (the "legacy" ones) fixed only the ledger accounts' heads,
carry no signature, and are told apart by having none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, NotAllowedError, RuleViolatedError
from domain.event_chain import Head, heads_digest
from domain.hashing import sha256_of_canonical_json

GENESIS_SEAL_HASH = "0" * 64
"""The `previous_seal_hash` of the first seal."""

SEAL_SCHEME = "nuanxin-seal-v2"
"""What a signed seal's hash is taken over; a legacy seal has none."""

AccountHead = tuple[UUID | str, int, str]
"""A ledger account as a legacy seal saw it: (account id, its last version, the entry hash of
its last entry, or the hash of its opening while it has none)."""

SignatureCheck = Callable[[str, bytes, str], bool]
"""Answers whether `signature` (base64) over `message` verifies with `public_key` (base64)."""


def ledger_root_hash(heads: Iterable[AccountHead], position: int) -> str:
    """A legacy seal's root hash over every ledger account's head as of notification
    `position`: canonical JSON of the sorted [account_id, last_version, last_entry_hash] list,
    plus the position."""
    accounts = sorted(
        [str(UUID(str(account_id))), last_version, last_hash]
        for account_id, last_version, last_hash in heads
    )
    return sha256_of_canonical_json({"accounts": accounts, "position": position})


def seal_chain_hash(
    *, previous_seal_hash: str, root_hash: str, position: int, sealed_at: dt.datetime | str
) -> str:
    """The sha256 (hex) of one legacy seal, chained to the seal before it."""
    moment = dt.datetime.fromisoformat(sealed_at) if isinstance(sealed_at, str) else sealed_at
    return sha256_of_canonical_json(
        {
            "previous_seal_hash": previous_seal_hash,
            "root_hash": root_hash,
            "position": position,
            "sealed_at": moment.isoformat(),
        }
    )


@dataclass(frozen=True)
class SealTerms:
    """What an auditor signs: every field of a seal but the signature. The server prepares
    them (a draft), the auditor signs `message()` on their own machine, and the seal is
    recorded with the signature only if it verifies."""

    sequence: int
    position: int
    root_hash: str
    accounts: int
    aggregates: int
    touched: tuple[Head, ...]
    previous_seal_id: str | None
    previous_seal_hash: str
    sealed_at: str
    sealed_by: str
    sealed_by_id: str
    public_key: str

    @property
    def seal_hash(self) -> str:
        return signed_seal_hash(
            sequence=self.sequence,
            position=self.position,
            root_hash=self.root_hash,
            accounts=self.accounts,
            aggregates=self.aggregates,
            touched=self.touched,
            previous_seal_id=self.previous_seal_id,
            previous_seal_hash=self.previous_seal_hash,
            sealed_at=self.sealed_at,
            sealed_by=self.sealed_by,
            sealed_by_id=self.sealed_by_id,
            public_key=self.public_key,
        )

    def message(self) -> bytes:
        return seal_message(self.seal_hash)


def signed_seal_hash(
    *,
    sequence: int,
    position: int,
    root_hash: str,
    accounts: int,
    aggregates: int,
    touched: Iterable[Head],
    previous_seal_id: str | None,
    previous_seal_hash: str,
    sealed_at: str,
    sealed_by: str,
    sealed_by_id: str,
    public_key: str,
) -> str:
    """The sha256 (hex) of a signed seal: every field of it but the signature, so that who
    sealed, when and with which key is under the signature too."""
    return sha256_of_canonical_json(
        {
            "scheme": SEAL_SCHEME,
            "sequence": sequence,
            "position": position,
            "root_hash": root_hash,
            "accounts": accounts,
            "aggregates": aggregates,
            "touched": heads_digest(touched),
            "previous_seal_id": previous_seal_id,
            "previous_seal_hash": previous_seal_hash,
            "sealed_at": dt.datetime.fromisoformat(sealed_at).isoformat(),
            "sealed_by": sealed_by,
            "sealed_by_id": sealed_by_id,
            "public_key": public_key,
        }
    )


def seal_message(seal_hash: str) -> bytes:
    """The bytes an auditor's key signs for a seal."""
    return f"{SEAL_SCHEME}\n{seal_hash}".encode("ascii")


class SealSignatureError(InvalidValueError):
    """A seal is recorded only with a signature that its public key accepts."""


class SealOvertakenError(RuleViolatedError):
    """A draft is signed for the seal that follows the latest one; once another seal was
    recorded, or the ledger moved on and was checked again, the draft is stale."""


class SealerOutsideAFundsRegionError(NotAllowedError):
    """A seal fixes every fund: who makes it must cover every fund's region."""


def a_seal_is_made_by_a_user_covering_every_fund(
    fund_regions: Iterable[str], sealer_scope: str
) -> None:
    """`sealer_scope` is the sealer's region prefix ("" for every region)."""
    outside = sorted({region for region in fund_regions if not region.startswith(sealer_scope)})
    if outside:
        raise SealerOutsideAFundsRegionError(
            f"a seal covers every fund, and funds of region {', '.join(outside[:3])} are "
            "outside yours: an auditor covering every fund seals"
        )


def seal_signature_verifies(terms: SealTerms, signature: str, check: SignatureCheck) -> None:
    """A seal is signed by the key it names, over its terms."""
    if not check(terms.public_key, terms.message(), signature):
        raise SealSignatureError(
            "the signature does not verify with the public key given for this seal's terms",
            field="signature",
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
        terms: SealTerms,
        signature: str,
        check: SignatureCheck,
    ) -> LedgerSeal:
        if dt.datetime.fromisoformat(terms.sealed_at).tzinfo is None:
            raise ValueError("a seal's time carries its offset")
        # Staleness first: a draft made before a concurrent seal was recorded also covers
        # less than it, and is to be drafted again, not refused as out of order.
        expected_sequence = 1 if previous is None else previous.sequence + 1
        previous_hash = GENESIS_SEAL_HASH if previous is None else previous.seal_hash
        if (terms.sequence, terms.previous_seal_hash) != (expected_sequence, previous_hash):
            raise SealOvertakenError(
                f"the draft is for seal {terms.sequence}, but seal {expected_sequence} follows "
                "the latest one now: prepare and sign a new draft"
            )
        if previous is not None and terms.position < previous.position:
            raise SealOutOfOrderError(
                f"seal {previous.sequence} already covers position {previous.position}, "
                f"beyond {terms.position}"
            )
        seal_signature_verifies(terms, signature, check)
        return cls(
            sequence=terms.sequence,
            position=terms.position,
            root_hash=terms.root_hash,
            accounts=terms.accounts,
            previous_seal_id=None if previous is None else previous.id,
            previous_seal_hash=previous_hash,
            sealed_at=dt.datetime.fromisoformat(terms.sealed_at),
            seal_hash=terms.seal_hash,
            sealed_by=terms.sealed_by,
            sealed_by_id=terms.sealed_by_id,
            aggregates=terms.aggregates,
            touched=[list(head) for head in terms.touched],
            public_key=terms.public_key,
            signature=signature,
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
        # Absent from legacy seals, which were made before seals were signed.
        aggregates: int | None = None,
        touched: list[list[Any]] | None = None,
        public_key: str | None = None,
        signature: str | None = None,
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
        self.aggregates = aggregates
        self.touched = touched
        self.public_key = public_key
        self.signature = signature
