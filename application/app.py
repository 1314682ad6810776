"""The assembled application: every bounded context on one event log."""

from __future__ import annotations

from application.claims import ClaimCommands
from application.services import ServiceCommands
from application.users import UserCommands
from domain.ledger.account import Account


class Nuanxin(ServiceCommands, ClaimCommands, UserCommands):
    """One `eventsourcing` application, so that a service record or a claim and the payment
    it makes save atomically, and projections and auditors follow one ordered log."""

    # Fund accounts collect an entry per posting; a snapshot every 200 keeps loading them
    # cheap (replaying 1,000 events takes ~40 ms, a snapshot ~1 ms).
    snapshotting_intervals = {Account: 200}  # noqa: RUF012 -- the library reads this class attribute
