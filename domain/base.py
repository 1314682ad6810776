"""The base aggregate whose events carry the acting user."""

from __future__ import annotations

from dataclasses import field

from eventsourcing.domain import Aggregate

from domain.actor import current_actor


def _actor_id() -> str:
    return current_actor().user_id


def _actor_name() -> str:
    return current_actor().name


def _actor_role() -> str:
    return current_actor().role


class NuanxinAggregate(Aggregate):
    class Event(Aggregate.Event):
        actor_id: str = field(default_factory=_actor_id, init=False)
        actor_name: str = field(default_factory=_actor_name, init=False)
        actor_role: str = field(default_factory=_actor_role, init=False)

    class Created(Event, Aggregate.Created):
        pass
