"""The one canonical form in which the ledger's hashes are taken: the service, which records
them, and an auditor's offline verifier, which recomputes them, must encode the same values to
the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any
from uuid import UUID

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
"""One encoder for every hash (what `json.dumps` with these options would build each call)."""


def sha256_of_canonical_json(value: Any) -> str:
    """The sha256 (hex) of `value` as JSON with sorted keys, no spaces and ASCII escapes."""
    return hashlib.sha256(_CANONICAL.encode(value).encode("ascii")).hexdigest()


def json_text(value: Any) -> str:
    """`value` as the canonical encoding writes it inside a larger value (an object's member),
    for hashes built from a template of their object (`domain.ledger.hashing`): a text, a
    whole number and None directly, anything else through the encoder itself, so that the
    bytes are the encoder's in every case."""
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is dict and all(type(k) is str and type(v) in _FLAT for k, v in value.items()):
        # A flat object of texts (a transfer's cause): the encoder would cost more to set up
        # than to run. Keys are texts, so sorting them sorts the members as the encoder does.
        return (
            "{"
            + ",".join(
                f"{encode_basestring_ascii(key)}:{json_text(value[key])}" for key in sorted(value)
            )
            + "}"
        )
    return _CANONICAL.encode(value)


_FLAT = frozenset({str, int, type(None)})


def sha256_of_text(text: str) -> str:
    """The sha256 (hex) of canonical JSON text made by a template (ASCII by construction)."""
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@lru_cache(maxsize=1 << 16)
def canonical_uuid(value: UUID | str) -> str:
    """An id in its one text form (lower case, with hyphens), from a UUID or any text form of
    one; raises ValueError for anything else. Cached: a verifier sees the same ids again and
    again (accounts, transfers), and parsing them is the costliest part of a hash."""
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value  # what parsing it and writing it again would give
    return str(value if isinstance(value, UUID) else UUID(str(value)))


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@lru_cache(maxsize=1 << 14)
def canonical_date(value: dt.date | str) -> str:
    """A business date in its one text form (YYYY-MM-DD); raises ValueError for anything
    else. Cached, as `canonical_uuid` is."""
    return dt.date.fromisoformat(str(value)).isoformat()
