"""The assembled application: every bounded context on one event log."""

from __future__ import annotations

from application.services import ServiceCommands
from application.users import UserCommands


class Nuanxin(ServiceCommands, UserCommands):
    """One `eventsourcing` application, so that a service record and the payment it makes
    save atomically, and projections and auditors follow one ordered log."""
