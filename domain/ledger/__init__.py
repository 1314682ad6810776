"""The double-entry fund ledger: accounts, transfers between them, and the rules that guard
both. Import each name from the module that owns it; the two aggregates are named here too
because the topics of their stored events and snapshots ("domain.ledger:Account.Opened") are
resolved through this package."""

from domain.ledger.account import Account
from domain.ledger.transfer import Transfer

__all__ = ["Account", "Transfer"]
