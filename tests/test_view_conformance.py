"""Every view honours the library's tracking-recorder contract on both backends, and the
timeline and the claims queue rebuilt from zero are what was projected live."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, ClassVar

import pytest
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, TrackingRecorder
from eventsourcing.tests.persistence import TrackingRecorderTestCase
from eventsourcing.utils import Environment
from fastapi.testclient import TestClient

from api.runtime import PROJECTIONS, Runtime
from infrastructure.persistence import ensure_postgres_schema, view_environment
from infrastructure.settings import Settings
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
from projections.claims import ClaimsProjection
from projections.ledger import LedgerProjection
from projections.reports import ReportsProjection
from projections.timeline import TimelineProjection
from tests.claim_steps import CLAIMS, approved, county, nursing_claim, submitted
from tests.conftest import POSTGRES_URL, TEST_CIPHER_KEY, drop_schema, postgres_unavailable_reason
from tests.steps import FAMILIES, SERVICES, record_service, register_family, timeline


def construct_view(settings: Settings, name: str, view_class: type[TrackingRecorder]) -> Any:
    """The view exactly as the runtime builds it, from the settings' environment."""
    env = Environment(name, view_environment(settings, name))
    return InfrastructureFactory.construct(env=env).tracking_recorder(view_class)


class SQLiteViewConformance(TrackingRecorderTestCase):
    __test__ = False  # the suites below name the view
    projection_name: ClassVar[str]
    view_class: ClassVar[type[TrackingRecorder]]

    def setUp(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="nuanxin-view-"))

    def tearDown(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def create_recorder(self) -> TrackingRecorder:
        # A fresh data directory per recorder: the suite expects each to start empty.
        settings = Settings(data_dir=self.data_dir / uuid.uuid4().hex)
        view = construct_view(settings, self.projection_name, self.view_class)
        assert type(view) is self.view_class
        return view


class PostgresViewConformance(TrackingRecorderTestCase):
    __test__ = False  # the suites below name the view
    projection_name: ClassVar[str]
    view_class: ClassVar[type[TrackingRecorder]]

    def setUp(self) -> None:
        reason = postgres_unavailable_reason()
        if reason is not None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"CI=true requires PostgreSQL: {reason}")
            pytest.skip(reason)
        self.schemas: list[str] = []
        self.views: list[Any] = []

    def tearDown(self) -> None:
        for view in self.views:
            view.datastore.close()
        for schema in self.schemas:
            drop_schema(schema)

    def create_recorder(self) -> TrackingRecorder:
        # A fresh schema per recorder, as each deployment and test run has.
        schema = f"nx_view_{uuid.uuid4().hex[:12]}"
        self.schemas.append(schema)
        settings = Settings(
            data_dir=Path(tempfile.gettempdir()),
            database_url=POSTGRES_URL,
            database_schema=schema,
            cipher_key=TEST_CIPHER_KEY,
        )
        ensure_postgres_schema(settings)
        view = construct_view(settings, self.projection_name, self.view_class)
        assert type(view) is self.view_class
        self.views.append(view)
        return view


class TestSQLiteTimelineView(SQLiteViewConformance):
    __test__ = True
    projection_name = TimelineProjection.name
    view_class = SQLiteTimelineView


class TestPostgresTimelineView(PostgresViewConformance):
    __test__ = True
    projection_name = TimelineProjection.name
    view_class = PostgresTimelineView


class TestSQLiteLedgerView(SQLiteViewConformance):
    __test__ = True
    projection_name = LedgerProjection.name
    view_class = SQLiteLedgerView


class TestPostgresLedgerView(PostgresViewConformance):
    __test__ = True
    projection_name = LedgerProjection.name
    view_class = PostgresLedgerView


class TestSQLiteClaimsView(SQLiteViewConformance):
    __test__ = True
    projection_name = ClaimsProjection.name
    view_class = SQLiteClaimsView


class TestPostgresClaimsView(PostgresViewConformance):
    __test__ = True
    projection_name = ClaimsProjection.name
    view_class = PostgresClaimsView


class TestSQLiteReportsView(SQLiteViewConformance):
    __test__ = True
    projection_name = ReportsProjection.name
    view_class = SQLiteReportsView


class TestPostgresReportsView(PostgresViewConformance):
    __test__ = True
    projection_name = ReportsProjection.name
    view_class = PostgresReportsView


CONFORMANCE_SUITES: list[type[SQLiteViewConformance] | type[PostgresViewConformance]] = [
    TestSQLiteTimelineView,
    TestPostgresTimelineView,
    TestSQLiteLedgerView,
    TestPostgresLedgerView,
    TestSQLiteClaimsView,
    TestPostgresClaimsView,
    TestSQLiteReportsView,
    TestPostgresReportsView,
]


def test_every_view_the_runtime_builds_has_its_conformance_suite_here() -> None:
    built = {
        (spec.projection.name, view)
        for spec in PROJECTIONS
        for view in (spec.sqlite_view, spec.postgres_view)
    }

    covered = {(suite.projection_name, suite.view_class) for suite in CONFORMANCE_SUITES}

    assert built <= covered


def test_the_runtime_uses_the_timeline_view_of_its_backend(runtime: Runtime) -> None:
    expected = PostgresTimelineView if runtime.settings.uses_postgres else SQLiteTimelineView

    assert type(runtime.timeline) is expected


def test_a_timeline_rebuilt_from_zero_is_the_timeline_projected_live(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    families = [
        register_family(client, caseworker, registered_on="2024-01-05")["id"] for _ in range(3)
    ]
    for i, family_id in enumerate(families):
        service = record_service(client, caseworker, family_id, occurred_on=f"2024-09-1{i}")
        record_service(client, caseworker, family_id, occurred_on="2024-05-29")
        client.post(
            f"{SERVICES}/{service['id']}/corrections",
            json={"reason": "日期登记错误", "occurred_on": "2024-09-17"},
            headers=caseworker,
        )
    client.post(f"{SERVICES}/{service['id']}/void", json={"reason": "重复"}, headers=caseworker)
    client.post(f"{FAMILIES}/{families[0]}/close", json={"reason": "迁出"}, headers=caseworker)
    live = {family_id: timeline(client, caseworker, family_id) for family_id in families}
    live_list = client.get(FAMILIES, headers=caseworker).json()
    runtime.runners[TimelineProjection.name].stop()  # no live runner racing the rebuild

    runtime.timeline.clear(runtime.app.name)
    emptied = runtime.timeline.timeline(families[0], as_of=None, known_at=None)
    runtime.runner_for(TimelineProjection.name).catch_up()

    assert emptied == []
    assert {family_id: timeline(client, caseworker, family_id) for family_id in families} == live
    assert client.get(FAMILIES, headers=caseworker).json() == live_list
    head = runtime.app.recorder.max_notification_id()
    assert runtime.timeline.max_tracking_id(runtime.app.name) == head


def test_a_view_holding_a_pages_rows_without_its_position_fails_the_page_not_loops_on_it(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    register_family(client, caseworker)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    runner = runtime.runners[TimelineProjection.name]
    runner.stop()
    view: Any = runtime.timeline
    with view.datastore.transaction(commit=True) as cursor:  # the rows stay, the position goes
        cursor.execute(view.dialect(f"DELETE FROM {view.tracking_table}"))

    with pytest.raises(IntegrityError):
        runner.catch_up()


def test_a_claims_queue_rebuilt_from_zero_is_the_queue_projected_live(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    first = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    submitted(client, caseworker, c.family_id, nursing_claim(c.spouse_id, c.nursing_fund))
    approved(client, supervisor, first["id"])
    live = client.get(CLAIMS, headers=supervisor).json()
    runtime.runners[ClaimsProjection.name].stop()  # no live runner racing the rebuild

    runtime.claims.clear(runtime.app.name)
    runtime.runner_for(ClaimsProjection.name).catch_up()

    assert client.get(CLAIMS, headers=supervisor).json() == live
    assert sorted(item["status"] for item in live["items"]) == ["approved", "submitted"]
