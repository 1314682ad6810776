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
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.errors import DomainError
from infrastructure.bulk_reads import stored_events_of

if TYPE_CHECKING:
    from application.app import Nuanxin

log = structlog.get_logger(__name__)

T = TypeVar("T")

BATCH_ATTEMPTS = 3
MAX_PASSES = 8
PREFETCH_MOST_EVENTS = 200
"""Aggregates with more events are read by the repository, from their snapshots."""


class NotReadYetError(Exception):
    """A speculative pass stops a command at the first aggregate the batch has not read."""


class KnownState:
    """What a batch has read of the store, kept across its passes: the events of each
    aggregate it asked for, the ids that have none, and the ids asked for but not yet read."""

    def __init__(self) -> None:
        self.events: dict[UUID, list[Any]] = {}
        self.absent: set[UUID] = set()
        self.large: set[UUID] = set()
        self.missing: set[UUID] = set()

    def holds(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.events or aggregate_id in self.large


class StagedUnit:
    """One pass over a batch: the aggregates it has read or changed, by id. A speculative
    pass stops a command at the first aggregate not read yet and notes its id; the next pass
    starts after reading all of those at once, so that a batch costs a few queries instead
    of a few per command. Only the last pass, which reads what is left one by one, counts."""

    def __init__(self, known: KnownState, *, speculative: bool = False) -> None:
        self.known = known
        self.speculative = speculative
        self.aggregates: dict[UUID, Aggregate] = {}
        self.created: set[UUID] = set()
        # For the command in progress: the pending-event count of each aggregate it touched,
        # and whether it saved (a command that does not keeps none of its changes).
        self.touched: dict[UUID, int] = {}
        self.saved = False
        self.stopped = False

    def touch(self, aggregate: Aggregate) -> None:
        self.touched.setdefault(aggregate.id, len(aggregate.pending_events))

    def stage(self, objs: Sequence[Any]) -> None:
        aggregates = [aggregate for aggregate in objs if aggregate is not None]
        for aggregate in aggregates:
            held = self.aggregates.get(aggregate.id)
            if held is not None and held is not aggregate:
                # Two aggregates under one id: the store would refuse the second.
                raise RecordConflictError(f"aggregate {aggregate.id} is already in this batch")
            if held is None and self.known.holds(aggregate.id):
                # A new aggregate under an id the store has (a retried key's record).
                raise RecordConflictError(f"aggregate {aggregate.id} is already stored")
        for aggregate in aggregates:
            if aggregate.id not in self.aggregates and aggregate.version == len(
                aggregate.pending_events
            ):
                self.created.add(aggregate.id)
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
            aggregate = self.as_stored(unit, aggregate_id)
            unit.aggregates[aggregate_id] = aggregate
        unit.touch(aggregate)
        return aggregate

    def __contains__(self, item: UUID) -> bool:
        """A speculative pass notes an existence check it cannot answer yet and goes on as
        if the aggregate were absent (the usual answer: a key not used before, a family's
        first payment), so that one pass finds more of what the batch will read."""
        unit = _unit.get()
        if unit is not None and unit.speculative and item not in unit.aggregates:
            known = unit.known
            if not (item in known.absent or item in known.events or item in known.large):
                known.missing.add(item)
                return False
        return super().__contains__(item)

    def as_stored(self, unit: StagedUnit, aggregate_id: UUID) -> Any:
        """A fresh copy of the aggregate as the store holds it."""
        known = unit.known
        if aggregate_id in known.absent:
            raise AggregateNotFoundError(aggregate_id)
        events = known.events.get(aggregate_id)
        if events is not None:
            return _projected(events)
        if unit.speculative and aggregate_id not in known.large:
            known.missing.add(aggregate_id)
            # Noted here too, in case the command catches the error: the pass is void.
            unit.stopped = True
            raise NotReadYetError(aggregate_id)
        try:
            return super().get(aggregate_id)
        except AggregateNotFoundError:
            known.absent.add(aggregate_id)
            raise


def _projected(events: list[Any]) -> Any:
    aggregate: Any = None
    for stored_event in events:
        aggregate = stored_event.mutate(aggregate)
    return aggregate


def staging(repository: Repository[UUID]) -> Repository[UUID]:
    """The application's repository, answering from the batch in progress first."""
    # Same state, one more behaviour: the library builds its repository from settings.
    repository.__class__ = StagingRepository
    return repository


def staged(objs: Sequence[Any]) -> bool:
    """While a batch runs, what a command saves is staged instead of written."""
    unit = _unit.get()
    if unit is None:
        return False
    unit.stage(objs)
    return True


def save_together(
    app: Nuanxin, commands: Sequence[Callable[[], T]], *, commit: bool = True
) -> list[T | DomainError]:
    """Each command's result or the domain error that refused it, in order; everything the
    successful commands changed is saved in one transaction (unless `commit` is False: a dry
    run decides everything and saves nothing). Outside it nothing changes."""
    known = KnownState()
    for attempt in range(BATCH_ATTEMPTS):
        for number in range(MAX_PASSES):
            unit = StagedUnit(known, speculative=number < MAX_PASSES - 1)
            outcomes = _decide_all(app, unit, commands)
            guessed = set(known.missing)
            if not guessed:
                break
            _read_missing(app, known)
            if not unit.stopped and not any(known.holds(i) for i in guessed):
                # Every aggregate the pass took for absent is: it decided as a full read
                # would have.
                break
        if not commit:
            return outcomes
        try:
            changed = unit.changed()
            if changed:
                app.save(*changed)
        except RecordConflictError:
            log.info("batch_conflict", attempt=attempt, commands=len(commands))
            # Decided again on fresh state, knowing which of the new ids the store has: a
            # command creating one then finds the earlier answer, as it would alone.
            known = KnownState()
            known.missing = set(unit.created)
            _read_missing(app, known)
            continue
        return outcomes
    return [_alone(command) for command in commands]


def _read_missing(app: Nuanxin, known: KnownState) -> None:
    events, large = stored_events_of(app.recorder, known.missing, most_events=PREFETCH_MOST_EVENTS)
    for aggregate_id, stored in events.items():
        known.events[aggregate_id] = [app.mapper.to_domain_event(e) for e in stored]
    known.large |= large
    known.absent |= known.missing - events.keys() - large
    known.missing = set()


def _decide_all(
    app: Nuanxin, unit: StagedUnit, commands: Sequence[Callable[[], T]]
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
            except NotReadYetError as error:
                # This pass will be decided again: its outcomes are not used.
                outcomes.append(DomainError(str(error)))
            if not unit.saved:
                # Refused, or answered from an earlier request with the same key.
                _roll_back(app, unit)
    finally:
        _unit.reset(token)
    return outcomes


def _roll_back(app: Nuanxin, unit: StagedUnit) -> None:
    """Undoes the changes of a command that did not save to aggregates the batch holds."""
    repository = app.repository
    assert isinstance(repository, StagingRepository)
    for aggregate_id, kept in unit.touched.items():
        current = unit.aggregates[aggregate_id]
        if len(current.pending_events) == kept:
            continue
        events = list(current.pending_events[:kept])
        rebuilt: Any = None
        if aggregate_id not in unit.created:
            rebuilt = repository.as_stored(unit, aggregate_id)
        for staged_event in events:
            rebuilt = staged_event.mutate(rebuilt)
        if rebuilt is None:
            del unit.aggregates[aggregate_id]
            unit.created.discard(aggregate_id)
            continue
        rebuilt.pending_events.extend(events)
        unit.aggregates[aggregate_id] = rebuilt


def _alone(command: Callable[[], T]) -> T | DomainError:
    try:
        return command()
    except DomainError as error:
        return error
