"""The command that seals the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from application.commands import Command
from domain.seal import SealTerms


@dataclass(frozen=True, slots=True)
class SealLedger(Command):
    """Terms drafted from the log in this process (never taken from a request), and the
    auditor's signature over them."""

    KIND: ClassVar[str] = "seal_ledger"
    terms: SealTerms
    signature: str

    def fingerprint_values(self) -> tuple[Any, ...]:
        # What a request asks for: the terms it gives; the rest is made from the log.
        terms = self.terms
        return (self.KIND, terms.position, terms.sealed_at, terms.public_key, self.signature)
