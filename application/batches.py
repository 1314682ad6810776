"""Many commands, one transaction: imports and offline sync save hundreds of households or
records in one `save()` (one transaction) instead of one each, through the same commands.

While a batch runs, `save()` stages what a command changed instead of writing it, and the
repository answers with the staged aggregates, so that a later command in the batch sees the
earlier ones (a fund paying its tenth visit, a key already answered). A command that fails
leaves nothing staged: the aggregates it had changed are rebuilt from the events staged before
it. The batch then saves everything in one transaction; if another writer got there first,
the batch is decided again on fresh state, and as a last resort each command is saved alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from application.base import NuanxinBase
from domain.errors import DomainError

log = structlog.get_logger(__name__)

T = TypeVar("T")

BATCH_ATTEMPTS = 3


class StagedUnit:
    """The aggregates a batch has read or changed, by id, and the ids it knows are absent."""

    def __init__(self) -> None:
        self.aggregates: dict[UUID, Aggregate] = {}
        self.created: set[UUID] = set()
        self.absent: set[UUID] = set()
        # For the command in progress: the pending-event count of each aggregate it touched,
        # and whether it saved (a command that does not keeps none of its changes).
        self.touched: dict[UUID, int] = {}
        self.saved = False

    def touch(self, aggregate: Aggregate) -> None:
        self.touched.setdefault(aggregate.id, len(aggregate.pending_events))

    def stage(self, objs: Sequence[Any]) -> None:
        aggregates = [aggregate for aggregate in objs if aggregate is not None]
        for aggregate in aggregates:
            known = self.aggregates.get(aggregate.id)
            if known is not None and known is not aggregate:
                # Two aggregates under one id: the store would refuse the second.
                raise RecordConflictError(f"aggregate {aggregate.id} is already in this batch")
        for aggregate in aggregates:
            if aggregate.id not in self.aggregates and aggregate.version == len(
                aggregate.pending_events
            ):
                self.created.add(aggregate.id)
            self.absent.discard(aggregate.id)
            self.aggregates[aggregate.id] = aggregate
        self.saved = True

    def changed(self) -> list[Aggregate]:
        return [a for a in self.aggregates.values() if a.pending_events]


_unit: ContextVar[StagedUnit | None] = ContextVar("nuanxin_staged_unit", default=None)


class StagingRepository(Repository[UUID]):
    """The library's repository, answering from the batch in progress first."""

    def get(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        unit = _unit.get()
        if unit is None or kwargs.get("version") is not None:
            return super().get(aggregate_id, **kwargs)
        aggregate = unit.aggregates.get(aggregate_id)
        if aggregate is None:
            if aggregate_id in unit.absent:
                raise AggregateNotFoundError(aggregate_id)
            try:
                aggregate = super().get(aggregate_id, **kwargs)
            except AggregateNotFoundError:
                unit.absent.add(aggregate_id)
                raise
            unit.aggregates[aggregate_id] = aggregate
        unit.touch(aggregate)
        return aggregate

    def stored(self, aggregate_id: UUID) -> Any:
        return super().get(aggregate_id)


class BatchedSaves(NuanxinBase):
    """`save_together` runs commands as one atomic save; outside it nothing changes."""

    def construct_repository(self) -> Repository[UUID]:
        repository = super().construct_repository()
        # Same state, one more behaviour: the library builds its repository from settings.
        repository.__class__ = StagingRepository
        return repository

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        unit = _unit.get()
        if unit is None:
            return super().save(*objs, **kwargs)
        unit.stage(objs)
        return []

    def save_together(
        self, commands: Sequence[Callable[[], T]], *, commit: bool = True
    ) -> list[T | DomainError]:
        """Each command's result or the domain error that refused it, in order; everything
        the successful commands changed is saved in one transaction (unless `commit` is
        False: a dry run decides everything and saves nothing)."""
        for attempt in range(BATCH_ATTEMPTS):
            unit = StagedUnit()
            outcomes = self._decide_all(unit, commands)
            if not commit:
                return outcomes
            try:
                changed = unit.changed()
                if changed:
                    self.save(*changed)
            except RecordConflictError:
                log.info("batch_conflict", attempt=attempt, commands=len(commands))
                continue
            return outcomes
        return [self._alone(command) for command in commands]

    def _decide_all(
        self, unit: StagedUnit, commands: Sequence[Callable[[], T]]
    ) -> list[T | DomainError]:
        outcomes: list[T | DomainError] = []
        token = _unit.set(unit)
        try:
            for command in commands:
                unit.touched, unit.saved = {}, False
                try:
                    outcomes.append(command())
                except DomainError as error:
                    outcomes.append(error)
                if not unit.saved:
                    # Refused, or answered from an earlier request with the same key.
                    self._roll_back(unit)
        finally:
            _unit.reset(token)
        return outcomes

    def _roll_back(self, unit: StagedUnit) -> None:
        """Undoes the changes of a command that did not save to aggregates the batch holds."""
        repository = self.repository
        assert isinstance(repository, StagingRepository)
        for aggregate_id, kept in unit.touched.items():
            current = unit.aggregates[aggregate_id]
            if len(current.pending_events) == kept:
                continue
            events = list(current.pending_events[:kept])
            rebuilt: Any = None if aggregate_id in unit.created else repository.stored(aggregate_id)
            for staged_event in events:
                rebuilt = staged_event.mutate(rebuilt)
            if rebuilt is None:
                del unit.aggregates[aggregate_id]
                unit.created.discard(aggregate_id)
                continue
            rebuilt.pending_events.extend(events)
            unit.aggregates[aggregate_id] = rebuilt

    def _alone(self, command: Callable[[], T]) -> T | DomainError:
        try:
            return command()
        except DomainError as error:
            return error
