"""Runs a batch projection in a thread of the serving process, or as a worker process.

The library's SQLite recorder cannot be subscribed to, so the runner reads pages of the
notification log itself: it is woken in-process after each save, and polls for writers in
other processes. It also lets a read wait until the view has caught up with the log.

A save's wake-up lingers a moment (0.1 s by default) before the runner reads the log, so the
saves of busy moments reach the view in one transaction rather than one each; a read that
waits for the view wakes the runner at once, so read-your-writes never waits for the linger."""

from __future__ import annotations

import threading
import time
from uuid import UUID

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from projections.batching import BatchProjection

log = structlog.get_logger(__name__)


class ProjectionLagError(Exception):
    """The view did not catch up with the event log within the time allowed."""


class ProjectionRunner:
    def __init__(
        self,
        app: Application[UUID],
        projection: BatchProjection[TrackingRecorder],
        *,
        batch_size: int = 1000,
        poll_interval: float = 0.5,
        linger: float = 0.0,
    ) -> None:
        self.app = app
        self.projection = projection
        self.view = projection.view
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.linger = linger
        self._position = self.view.max_tracking_id(app.name) or 0
        self._advanced = threading.Condition()
        self._wake = threading.Event()
        self._wanted_now = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    @property
    def name(self) -> str:
        return self.projection.name

    @property
    def position(self) -> int:
        return self._position

    def run_once(self) -> int:
        """Projects the next page of the log; answers how many notifications it covered."""
        covered, _ = self._project_next_page()
        return covered

    def _project_next_page(self) -> tuple[int, bool]:
        """How many notifications the page covered, and whether the log holds more."""
        start = self.view.max_tracking_id(self.app.name) or 0
        high = self.app.recorder.max_notification_id() or 0
        if high <= start:
            self._advance_to(start)
            return 0, False
        notifications = self.app.recorder.select_notifications(
            start=start,
            limit=self.batch_size,
            stop=high,
            topics=self.projection.topics,
            inclusive_of_start=False,
        )
        full_page = len(notifications) == self.batch_size
        covered = notifications[-1].id if full_page else high
        events = [(self.app.mapper.to_domain_event(n), n.id) for n in notifications]
        try:
            self.projection.process_batch(events, Tracking(self.app.name, covered))
        except IntegrityError:
            if (self.view.max_tracking_id(self.app.name) or 0) <= start:
                # Rows of this page are in the view but its position is not (the view was
                # cleared under a live runner): trying the page again would fail for ever.
                raise
            # Another worker recorded this page first; its rows stand and ours rolled back.
            log.info("projection_page_taken_by_another_worker", projection=self.name)
            return 1, True
        self._advance_to(covered)
        return covered - start, full_page

    def catch_up(self) -> int:
        total = 0
        while covered := self.run_once():
            total += covered
        return total

    def _advance_to(self, position: int) -> None:
        with self._advanced:
            if position > self._position:
                self._position = position
                self._advanced.notify_all()

    def wake(self) -> None:
        """Something was written: project it after the linger."""
        self._wake.set()

    def wake_now(self) -> None:
        """Someone waits for the view: project at once."""
        self._wanted_now.set()
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"projection-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.wake_now()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        backoff = self.poll_interval
        while not self._stopping.is_set():
            self._wake.clear()
            self._wanted_now.clear()
            try:
                _, more = self._project_next_page()
            except Exception as error:
                self.last_error = f"{type(error).__name__}: {error}"
                log.exception("projection_failed", projection=self.name)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            self.last_error = None
            backoff = self.poll_interval
            # Saves made while the page was projected have set the wake-up again.
            if not more and self._wake.wait(self.poll_interval):
                self._wanted_now.wait(self.linger)

    def wait_for(self, position: int, timeout: float) -> bool:
        with self._advanced:
            return self._advanced.wait_for(lambda: self._position >= position, timeout)


class ReadYourWrites:
    """Makes a read that starts after a write has been answered see that write: it waits
    until the view has processed everything the log held when the read began."""

    def __init__(
        self,
        app: Application[UUID],
        view: TrackingRecorder,
        runner: ProjectionRunner | None,
        timeout: float,
    ) -> None:
        self.app = app
        self.view = view
        self.runner = runner
        self.timeout = timeout

    def wait_until_current(self) -> None:
        target = self.app.recorder.max_notification_id() or 0
        if self.runner is not None:
            if self.runner.position < target:
                self.runner.wake_now()
            caught_up = self.runner.wait_for(target, self.timeout)
        else:
            caught_up = self._poll(target)
        if not caught_up:
            raise ProjectionLagError(
                f"the views are behind the event log (waited {self.timeout:.0f}s); try again"
            )

    def _poll(self, target: int) -> bool:
        # Without a runner in this process, poll the tracking position every couple of
        # milliseconds: the library's wait() sleeps at least 100 ms each time.
        deadline = time.monotonic() + self.timeout
        while (self.view.max_tracking_id(self.app.name) or 0) < target:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True
