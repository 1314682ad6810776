"""Write commands as values: one frozen dataclass per command, in a module per context.

A command's fields are what makes two requests with one Idempotency-Key the same request:
`fingerprint()` is the command's `KIND` and its fields in order, leaving out the fields
marked `NOT_FINGERPRINTED` (the version a request expects is a precondition, not part of
what it asks). Handlers resolve a defaulted business date before the fingerprint is taken,
so a retry on another day is still the same request. Values are JSON-encoded as the
fingerprints stored before commands were dataclasses were (dates and ids as text, nested
dataclasses as their repr), so that those stored answers still replay."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any, ClassVar

NOT_FINGERPRINTED = {"fingerprint": False}


@dataclass(frozen=True, slots=True)
class Command:
    KIND: ClassVar[str]

    def fingerprint_values(self) -> tuple[Any, ...]:
        return (
            self.KIND,
            *(
                getattr(self, field.name)
                for field in fields(self)
                if field.metadata.get("fingerprint", True)
            ),
        )

    def fingerprint(self) -> str:
        encoded = json.dumps(
            self.fingerprint_values(), sort_keys=True, default=str, ensure_ascii=False
        )
        return hashlib.sha256(encoded.encode()).hexdigest()
