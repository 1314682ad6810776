"""Searching heads of household by a fragment of their name without a name in any view
(DESIGN.md section 7): the view keeps a keyed hash of each character and each pair of adjacent
characters of the name, and a fragment matches the names that hold every one of its own.

The hashes are HMAC-SHA256 under a key derived from the resident index key, so the database
alone cannot be searched for a name. Equal characters hash equally, so what the table still
shows is how often a (hidden) character occurs and which families share one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

GRAM_BYTES = 16
"""Of the digest kept: collisions between a county's few thousand characters stay unlikely."""


def normalised(text: str) -> str:
    """Full-width and half-width forms alike, Latin letters in one case, no spaces: a search
    for "ａｙｉ" or "A yi" finds "Ayi"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if not char.isspace())


def character_grams(text: str) -> set[str]:
    """Every character and every pair of adjacent characters."""
    chars = normalised(text)
    return set(chars) | {chars[i : i + 2] for i in range(len(chars) - 1)}


class NameGrams:
    def __init__(self, key: bytes) -> None:
        # A key of its own, derived: a name gram can never equal a resident index id.
        self._key = hmac.new(key, b"family-name-grams", hashlib.sha256).digest()

    @classmethod
    def from_index_key(cls, key: str) -> NameGrams:
        return cls(base64.b64decode(key))

    def of(self, text: str) -> list[str]:
        """The keyed grams of a name or of a fragment of one, in a fixed order."""
        return sorted(self._keyed(gram) for gram in character_grams(text))

    def _keyed(self, gram: str) -> str:
        digest = hmac.new(self._key, gram.encode(), hashlib.sha256).digest()
        return digest[:GRAM_BYTES].hex()
