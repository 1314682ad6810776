"""What every command shares: the decision a handler makes of it, and the loop that takes the
decision, saves it atomically and answers a retried Idempotency-Key from the store."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError, Transcoding

from application.commands import Command
from application.errors import ConcurrencyError, IdempotencyKeyReusedError, VersionMismatchError
from application.principal import Principal
from domain.actor import acting_as
from domain.errors import DomainError
from domain.idempotency import IdempotentResponse
from domain.values import check_not_future

if TYPE_CHECKING:
    from application.app import Nuanxin

MAX_ATTEMPTS = 60


class DateAsISO(Transcoding):
    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


@dataclass(frozen=True)
class CommandResult:
    """What a command answers: the response body, and whether it is a replay of an earlier
    request with the same Idempotency-Key (then nothing new was recorded)."""

    body: dict[str, Any]
    replayed: bool = False


Decision = tuple[Sequence[Aggregate], dict[str, Any]]
"""The aggregates a command changed, and the body that answers it."""

Decide = Callable[[], Decision]


@dataclass(frozen=True)
class Handled:
    """What a handler makes of a command: the command as its fingerprint is taken (business
    dates resolved), and the decision, taken again on fresh state after a conflict."""

    command: Command
    decide: Decide


Handler = Callable[["Nuanxin", Principal, Any, "str | None"], Handled]
"""Checks the caller's permission and region and the command's values, and answers the
decision; `key` is the request's Idempotency-Key, from which some ids derive."""


def past_or_today(app: Nuanxin, day: dt.date | None, field: str) -> dt.date:
    """Business dates default to today and are never in the future."""
    today = app.today()
    return today if day is None else check_not_future(day, today, field=field)


def check_expected_version(aggregate: Aggregate, expected_version: int | None) -> None:
    if expected_version is not None and aggregate.version != expected_version:
        raise VersionMismatchError(expected_version, aggregate.version)


class DecisionLoop:
    """Runs decisions for one application, one at a time in this process."""

    def __init__(self, app: Nuanxin) -> None:
        self.app = app
        # Saves to one event log serialise anyway (PostgreSQL's table lock, SQLite's writer
        # lock); deciding under the same lock spares writers in this process from losing
        # optimistic-concurrency races and replaying their decisions. Writers in other
        # processes are still caught by the store's version check and retried.
        self._deciding = threading.Lock()

    def execute(
        self, principal: Principal, handled: Handled, idempotency_key: str | None
    ) -> CommandResult:
        """Runs the decision and saves what it changed atomically, with the response when an
        Idempotency-Key is given. On a concurrent write to the same aggregates the decision
        is taken again on fresh state; a retried key answers the stored response.

        A retried key is found by the store, not by a read before deciding: the stored
        response's id derives from the key, so saving it a second time conflicts and the
        whole save (whatever the retry decided) is refused; the stored answer is read then."""
        stored_id = None
        request_hash = ""
        if idempotency_key:
            stored_id = IdempotentResponse.create_id(principal.user_id, idempotency_key)
            request_hash = handled.command.fingerprint()
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self._deciding, acting_as(principal.actor):
                    aggregates, body = handled.decide()
                    to_save = list(aggregates)
                    if stored_id is not None and idempotency_key:
                        to_save.append(
                            IdempotentResponse(
                                principal.user_id, idempotency_key, request_hash, body
                            )
                        )
                    self.app.save(*to_save)
            except RecordConflictError:
                replay = self._replay(stored_id, request_hash)
                if replay is not None:
                    return replay
                # Jittered backoff spreads writers contending for the same aggregates.
                time.sleep(random.uniform(0, 0.001 * min(attempt + 1, 20)))
                continue
            except DomainError:
                # A retry answered by another process leaves state on which this decision
                # fails (the resident is now registered): that earlier answer is ours.
                replay = self._replay(stored_id, request_hash)
                if replay is not None:
                    return replay
                raise
            return CommandResult(body=body)
        raise ConcurrencyError("too many concurrent changes to the same records; try again")

    def _replay(self, stored_id: UUID | None, request_hash: str) -> CommandResult | None:
        """The stored answer to an earlier request with the same key, if there is one."""
        if stored_id is None:
            return None
        try:
            stored: Any = self.app.repository.get(stored_id)
        except AggregateNotFoundError:
            return None
        if stored.fingerprint != request_hash:
            raise IdempotencyKeyReusedError()
        return CommandResult(body=stored.body, replayed=True)
