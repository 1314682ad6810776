"""Python's cyclic garbage collector paused for one pass over the log. A pass makes a few
objects per row that live until the pass ends (each aggregate's chain head and stream, the
entries awaiting their pair) and many that reference counting frees at once (each row's
fields), so the collector, started by the count of objects made, would walk the growing set of
live ones again and again and find nothing to free (a few per cent of a verification of the
benchmark's log). Nothing the pass makes is cyclic garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disables the collector for the block and enables it again after, error or not, unless
    it was already disabled (by an enclosing pass, or by a concurrent one in another thread,
    whose end enables it again)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
