"""Who is acting: stamped on every event by the base aggregate event class."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str
    role: str


SYSTEM_ACTOR = Actor(user_id="system", name="system", role="system")

_current_actor: ContextVar[Actor] = ContextVar("nuanxin_actor", default=SYSTEM_ACTOR)


def current_actor() -> Actor:
    return _current_actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Every event triggered inside this block names `actor` as its author."""
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)
