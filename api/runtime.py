"""Builds the application, its views and their runners from the settings."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import structlog
from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import Environment

from application.access_log import AccessLog
from application.access_writer import AccessLogWriter
from application.app import Nuanxin
from application.resident_index import holds_the_stores_index_key
from infrastructure.access_store import access_log_environment
from infrastructure.clock import BusinessClock
from infrastructure.errors import ConfigurationError
from infrastructure.persistence import (
    ensure_postgres_schema,
    events_environment,
    one_process_creating_tables,
    view_environment,
)
from infrastructure.settings import Settings
from infrastructure.store_health import WriteProbe
from projections.backends import (
    PostgresClaimsView,
    PostgresLedgerView,
    PostgresReportsView,
    PostgresTimelineView,
    SQLiteClaimsView,
    SQLiteLedgerView,
    SQLiteReportsView,
    SQLiteTimelineView,
)
from projections.batching import BatchProjection
from projections.claims import ClaimsProjection, ClaimsView
from projections.ledger import LedgerProjection, LedgerView
from projections.name_grams import NameGrams
from projections.reports import ReportsProjection, ReportsView
from projections.runner import ProjectionRunner, ReadYourWrites
from projections.sealing import Sealer
from projections.timeline import TimelineProjection, TimelineView
from projections.wakeup import LogListener

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProjectionSpec:
    projection: type[BatchProjection[Any]]
    sqlite_view: type[TrackingRecorder]
    postgres_view: type[TrackingRecorder]


PROJECTIONS = (
    ProjectionSpec(TimelineProjection, SQLiteTimelineView, PostgresTimelineView),
    ProjectionSpec(LedgerProjection, SQLiteLedgerView, PostgresLedgerView),
    ProjectionSpec(ClaimsProjection, SQLiteClaimsView, PostgresClaimsView),
    ProjectionSpec(ReportsProjection, SQLiteReportsView, PostgresReportsView),
)


@dataclass
class Runtime:
    settings: Settings
    app: Nuanxin
    projections: dict[str, BatchProjection[Any]]
    write_probe: WriteProbe
    access: AccessLogWriter
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

    @property
    def claims(self) -> ClaimsView:
        view = self.projections[ClaimsProjection.name].view
        assert isinstance(view, ClaimsView)
        return view

    @property
    def reports(self) -> ReportsView:
        view = self.projections[ReportsProjection.name].view
        assert isinstance(view, ReportsView)
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
            linger=self.settings.projection_linger,
        )

    def start_projections(self, *, for_other_processes: bool = False) -> None:
        """Runners for every view. `for_other_processes`: this process keeps the views for
        readers elsewhere (a `projections run` worker), who cannot wake the runners."""
        for name in self.projections:
            runner = self._runner(name)
            self.runners[name] = runner
            self.app.after_save.append(runner.wake)
            runner.start()
        recorder = self.app.recorder
        if self.settings.database_url and isinstance(recorder, PostgresApplicationRecorder):
            # Saves in this process wake the runners directly; LISTEN brings other processes'
            # (and, unavoidably, this process's own). A reader here that waits for the views
            # wakes the runners at once itself, so the wake-up lingers as a save's does and
            # the saves of a busy moment still reach the views in one transaction. Only a
            # worker keeping the views for readers elsewhere must not linger.
            self.listener = LogListener(
                self.settings.database_url,
                recorder.channel_name,
                [
                    runner.wake_now if for_other_processes else runner.wake
                    for runner in self.runners.values()
                ],
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
        self.access.close()
        self.access.access_log.close()
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


def seal_personal_data(runtime: Runtime) -> None:
    """The views seal personal data with the event store's cipher, and index head names by
    grams keyed with the resident index key; a view written in clear by an earlier version is
    emptied here and rebuilt sealed by its runner."""
    key = base64.b64decode(runtime.app.env["CIPHER_KEY"])
    runtime.timeline.seal_with(Sealer(key))
    runtime.timeline.index_names_with(
        NameGrams.from_index_key(runtime.app.env["RESIDENT_INDEX_KEY"])
    )
    if runtime.timeline.retire_clear_text(runtime.app.name):
        log.warning("timeline_view_rebuilt_sealed", reason="it held personal data in clear")


def check_index_key(app: Nuanxin) -> None:
    """A process with another index key would let a resident into two open families."""
    if not holds_the_stores_index_key(app):
        app.close()
        raise ConfigurationError(
            "NUANXIN_INDEX_KEY is not the key this database's resident index was written "
            "with: every process using this database needs the same key"
        )


def open_runtime(
    settings: Settings, *, run_projections: bool, for_other_processes: bool = False
) -> Runtime:
    events_env = events_environment(settings)  # checks the configuration before connecting
    with one_process_creating_tables(settings):
        runtime = _runtime_with_its_tables(settings, events_env)
    if run_projections:
        runtime.start_projections(for_other_processes=for_other_processes)
    return runtime


def _runtime_with_its_tables(settings: Settings, events_env: dict[str, str]) -> Runtime:
    ensure_postgres_schema(settings)
    app = Nuanxin(events_env, BusinessClock(settings.timezone))
    check_cipher_key(app)
    check_index_key(app)
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
    access = AccessLogWriter(AccessLog(access_log_environment(settings)))
    runtime = Runtime(
        settings=settings,
        app=app,
        projections=projections,
        write_probe=WriteProbe(app.recorder),
        access=access,
        view_factories=factories,
    )
    seal_personal_data(runtime)
    return runtime
