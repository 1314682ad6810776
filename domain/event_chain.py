"""The log's per-aggregate hash chain: every stored event of every aggregate (families,
services, users, accounts, transfers, seals, claims, whatever comes next) chained to the event
before it in its aggregate, over every field it holds — its timestamp and acting user included —
and bound to its aggregate, version and type (topic), so that a row cannot be changed, moved,
swapped, inserted or deleted without changing its aggregate's head. Seals fix the heads of every
aggregate under a signature only the auditors can make (`domain.seal`).

The chain is computed by the verifier from the stored rows, not stored in them: a hash stored in
a row is one that whoever can rewrite the row can rewrite too, so what binds is the signed seal.
Each event enters its chain by the digest of its stored payload: the exact JSON text its fields
were stored as (decrypted and decompressed), so that nothing of it, however encoded, escapes the
hash, and nothing needs encoding again to check it. An exported bundle carries that text, or for
events whose fields an auditor may not see (case events hold personal data) the digest alone:
the chain over digests is the same chain."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from domain.hashing import sha256_of_canonical_json

GENESIS_HASH = "0" * 64
"""What the first event of every aggregate chains to."""

Head = tuple[str, int, str]
"""An aggregate as a seal fixes it: (aggregate id, its last version, its chain hash)."""


def payload_digest(payload: bytes) -> str:
    """The sha256 (hex) of one stored event's payload: every field of it, its timestamp and
    acting user included."""
    return hashlib.sha256(payload).hexdigest()


def event_chain_hash(
    previous_hash: str, aggregate_id: str, version: int, topic: str, digest: str
) -> str:
    """The sha256 (hex) of one event in its aggregate's chain. None of the parts can hold a
    line break (ids, versions, hex digests and module:class topics), so lines separate them."""
    text = f"{previous_hash}\n{aggregate_id}\n{version}\n{topic}\n{digest}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def log_root_hash(heads: Iterable[Head], position: int) -> str:
    """The sha256 (hex) over every aggregate's head as of notification `position`: each head
    stands for all of its aggregate's events up to there."""
    return sha256_of_canonical_json(
        {"heads": sorted([str(a), v, h] for a, v, h in heads), "position": position}
    )


def heads_digest(heads: Iterable[Head]) -> str:
    """The sha256 (hex) of a list of heads (a seal's heads of the aggregates it saw change),
    which the seal's own hash covers."""
    return sha256_of_canonical_json(sorted([str(a), v, h] for a, v, h in heads))
