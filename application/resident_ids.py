"""Ids derived from resident IDs, keyed so that the database alone cannot be searched for a
number (DESIGN.md section 7): a resident ID has so few unknown digits (a county's birth dates,
a sequence number) that any plain hash or uuid5 of it is reversed by trying them all."""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import NAMESPACE_URL, UUID, uuid5


class ResidentIdHasher:
    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_base64(cls, key: str) -> ResidentIdHasher:
        return cls(base64.b64decode(key))

    def index_id(self, id_number: str) -> UUID:
        """The id of the resident's index aggregate: HMAC-SHA256 under the index key."""
        digest = hmac.new(self._key, f"resident-index:{id_number}".encode(), hashlib.sha256)
        return UUID(bytes=digest.digest()[:16], version=4)

    def fingerprint(self) -> str:
        """Tells keys apart without revealing them."""
        digest = hmac.new(self._key, b"resident-index-key-fingerprint", hashlib.sha256)
        return digest.hexdigest()


def legacy_index_id(id_number: str) -> UUID:
    """The unkeyed id that stores written before the index key used. Such stores keep these
    aggregates (an event log is append-only), so a claim still consults them; nothing new is
    ever saved under this id."""
    return uuid5(NAMESPACE_URL, f"/nuanxin/residents/{id_number}")
