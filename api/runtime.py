"""Builds the application, its views and their runners from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import Environment

from application.app import Nuanxin
from infrastructure.clock import BusinessClock
from infrastructure.persistence import (
    ConfigurationError,
    ensure_postgres_schema,
    events_environment,
    view_environment,
)
from infrastructure.settings import Settings
from infrastructure.store_health import WriteProbe
from projections.backends import (
    PostgresLedgerView,
    PostgresTimelineView,
    SQLiteLedgerView,
    SQLiteTimelineView,
)
from projections.batching import BatchProjection
from projections.ledger import LedgerProjection, LedgerView
from projections.runner import ProjectionRunner, ReadYourWrites
from projections.timeline import TimelineProjection, TimelineView
from projections.wakeup import LogListener


@dataclass(frozen=True)
class ProjectionSpec:
    projection: type[BatchProjection[Any]]
    sqlite_view: type[TrackingRecorder]
    postgres_view: type[TrackingRecorder]


PROJECTIONS = (
    ProjectionSpec(TimelineProjection, SQLiteTimelineView, PostgresTimelineView),
    ProjectionSpec(LedgerProjection, SQLiteLedgerView, PostgresLedgerView),
)


@dataclass
class Runtime:
    settings: Settings
    app: Nuanxin
    projections: dict[str, BatchProjection[Any]]
    write_probe: WriteProbe
    runners: dict[str, ProjectionRunner] = field(default_factory=dict)
    view_factories: list[InfrastructureFactory[Any]] = field(default_factory=list)
    listener: LogListener | None = None

    @property
    def timeline(self) -> TimelineView:
        view = self.projections[TimelineProjection.name].view
        assert isinstance(view, TimelineView)
        return view

    @property
    def ledger(self) -> LedgerView:
        view = self.projections[LedgerProjection.name].view
        assert isinstance(view, LedgerView)
        return view

    def reads_of(self, projection_name: str) -> ReadYourWrites:
        return ReadYourWrites(
            self.app,
            self.projections[projection_name].view,
            self.runners.get(projection_name),
            self.settings.read_your_writes_timeout,
        )

    def runner_for(self, projection_name: str) -> ProjectionRunner:
        return self.runners.get(projection_name) or self._runner(projection_name)

    def _runner(self, projection_name: str) -> ProjectionRunner:
        return ProjectionRunner(
            self.app,
            self.projections[projection_name],
            poll_interval=self.settings.projection_poll_interval,
        )

    def start_projections(self) -> None:
        for name in self.projections:
            runner = self._runner(name)
            self.runners[name] = runner
            self.app.after_save.append(runner.wake)
            runner.start()
        recorder = self.app.recorder
        if self.settings.database_url and isinstance(recorder, PostgresApplicationRecorder):
            # Saves in this process wake the runners directly; LISTEN brings other processes'.
            self.listener = LogListener(
                self.settings.database_url,
                recorder.channel_name,
                [runner.wake for runner in self.runners.values()],
            )
            self.listener.start()

    def close(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        for runner in self.runners.values():
            runner.stop()
        self.runners.clear()
        for factory in self.view_factories:
            factory.close()
        self.app.close()


def check_cipher_key(app: Nuanxin) -> None:
    """A key that cannot read the log would fail every request: refuse to start instead."""
    first = app.recorder.select_notifications(start=1, limit=1)
    try:
        for notification in first:
            app.mapper.to_domain_event(notification)
    except ValueError:
        app.close()
        raise ConfigurationError(
            "NUANXIN_CIPHER_KEY cannot decrypt the stored events: every process using this "
            "database needs the same key"
        ) from None


def open_runtime(settings: Settings, *, run_projections: bool) -> Runtime:
    events_env = events_environment(settings)  # checks the configuration before connecting
    ensure_postgres_schema(settings)
    app = Nuanxin(events_env, BusinessClock(settings.timezone))
    check_cipher_key(app)
    projections: dict[str, BatchProjection[Any]] = {}
    factories: list[InfrastructureFactory[Any]] = []
    for spec in PROJECTIONS:
        view_class = spec.postgres_view if settings.uses_postgres else spec.sqlite_view
        env = Environment(spec.projection.name, view_environment(settings, spec.projection.name))
        factory: InfrastructureFactory[Any] = InfrastructureFactory.construct(env=env)
        factories.append(factory)
        projections[spec.projection.name] = spec.projection(
            view=factory.tracking_recorder(view_class)
        )
    runtime = Runtime(
        settings=settings,
        app=app,
        projections=projections,
        write_probe=WriteProbe(app.recorder),
        view_factories=factories,
    )
    if run_projections:
        runtime.start_projections()
    return runtime
