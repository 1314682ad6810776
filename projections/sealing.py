"""Personal data in view columns, sealed with the event store's key (AES-GCM, as the stored
events are): view tables hold no names, phones or addresses in clear (DESIGN.md section 7).
What a view filters or orders by is never sealed."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_PREFIX = "aesgcm:"
NONCE_BYTES = 12


class Sealer:
    def __init__(self, key: bytes) -> None:
        # One AESGCM for every value: building one per value (as the library's cipher does)
        # doubles the cost, which a rebuild of the timeline would feel.
        self._aead = AESGCM(key)

    def seal(self, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, text.encode(), None)
        return SEALED_PREFIX + base64.b64encode(sealed).decode()

    def open(self, value: str) -> str:
        sealed = base64.b64decode(value.removeprefix(SEALED_PREFIX))
        return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], None).decode()


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)
