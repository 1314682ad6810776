"""Personal data in view columns, sealed with the application's cipher (the AES-GCM that
encrypts the stored events): view tables hold no names, phones or addresses in clear
(DESIGN.md section 7). What a view filters or orders by is never sealed."""

from __future__ import annotations

import base64

from eventsourcing.persistence import Cipher

SEALED_PREFIX = "aesgcm:"


class Sealer:
    def __init__(self, cipher: Cipher) -> None:
        self._cipher = cipher

    def seal(self, text: str) -> str:
        return SEALED_PREFIX + base64.b64encode(self._cipher.encrypt(text.encode())).decode()

    def open(self, sealed: str) -> str:
        return self._cipher.decrypt(base64.b64decode(sealed.removeprefix(SEALED_PREFIX))).decode()


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)
