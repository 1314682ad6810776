"""Wakes the projection runners when another process writes to a PostgreSQL event log.

The library's PostgreSQL recorder NOTIFYs its table's channel in every save's transaction.
A LISTEN on one connection of our own turns that into a wake-up at commit, where the runners
would otherwise notice the write only at their next poll (every 50 ms by default). The poll
stays as the fallback: a listener that loses its connection only costs latency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import psycopg
import structlog
from psycopg import sql

log = structlog.get_logger(__name__)

RECONNECT_AFTER = 1.0
CHECK_STOP_EVERY = 0.5


class LogListener:
    def __init__(self, conninfo: str, channel: str, wake: Sequence[Callable[[], None]]) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.wake = list(wake)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                log.warning("log_listener_reconnecting", error=str(error).strip())
                self._stopping.wait(RECONNECT_AFTER)

    def _listen(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            # Writes committed before the LISTEN took effect are found by waking once now.
            self._wake_all()
            while not self._stopping.is_set():
                for _ in conn.notifies(timeout=CHECK_STOP_EVERY, stop_after=1):
                    self._wake_all()

    def _wake_all(self) -> None:
        for wake in self.wake:
            wake()
