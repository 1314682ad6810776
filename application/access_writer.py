"""Writes the access log off the request path: a read puts its record on a bounded queue and
returns; one background thread saves what has queued up, a batch per transaction."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable

import structlog

from application.access_log import AccessLog
from domain.access import PersonalDataRead

log = structlog.get_logger(__name__)

QUEUE_SIZE = 10_000
BATCH_SIZE = 500
LINGER = 0.02
"""After the first read of a burst, how long the writer waits for more before saving: one
transaction (and one fsync) for the reads of a busy moment, and fewer wake-ups of this
thread competing with requests for the interpreter."""
RETRY_PAUSE = 0.5
CLOSE_TIMEOUT = 10.0


class AccessLogWriter:
    """At shutdown (`close`) everything queued is saved before the thread ends. A crash
    (kill -9, power loss) loses the reads queued but not yet saved: those of the last moment.
    A full queue (the store refusing writes for long) makes reads wait for room rather than
    go unrecorded."""

    def __init__(self, access_log: AccessLog) -> None:
        self.access_log = access_log
        self._queue: queue.Queue[PersonalDataRead | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self._thread = threading.Thread(target=self._run, name="access-log-writer", daemon=True)
        self._thread.start()

    def record(self, reads: Iterable[PersonalDataRead]) -> None:
        for read in reads:
            self._queue.put(read)

    def flush(self, timeout: float) -> bool:
        """Waits until every read recorded so far is saved; False if that took too long."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True

    def close(self) -> None:
        """Saves everything queued, then ends the thread. If the store refuses writes for
        longer than CLOSE_TIMEOUT the records still queued are lost, and the log says so."""
        self._queue.put(None)
        self._thread.join(CLOSE_TIMEOUT)
        if self._thread.is_alive():
            log.error("access_log_records_lost_at_shutdown", records=self._queue.qsize())

    def _run(self) -> None:
        stopping = False
        while True:
            try:
                first = self._queue.get_nowait() if stopping else self._queue.get()
            except queue.Empty:
                return  # stopping, and everything queued is saved
            if first is not None and not stopping:
                time.sleep(LINGER)
            items = [first]
            while len(items) < BATCH_SIZE:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            batch = [item for item in items if item is not None]
            stopping = stopping or len(batch) < len(items)
            self._save(batch)
            for _ in items:
                self._queue.task_done()

    def _save(self, batch: list[PersonalDataRead]) -> None:
        """Retried until saved: a record of a read is never dropped."""
        while batch:
            try:
                self.access_log.record(batch)
                return
            except Exception as error:  # noqa: BLE001 -- the store may be down for a while
                log.error("access_log_write_failed", error=str(error), waiting=len(batch))
                time.sleep(RETRY_PAUSE)
