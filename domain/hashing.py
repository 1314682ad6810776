"""The one canonical form in which the ledger's hashes are taken: the service, which records
them, and an auditor's offline verifier, which recomputes them, must encode the same values to
the same bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_of_canonical_json(value: Any) -> str:
    """The sha256 (hex) of `value` as JSON with sorted keys, no spaces and ASCII escapes."""
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()
