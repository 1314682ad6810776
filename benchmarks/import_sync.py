"""Import and offline sync (issue 10), each against its baselines in the same run:

- import: a generated register (families, then services with 慰问金 from a fund) through
  `nuanxin import`'s own code (validation, commands, batched saves), in events stored per
  second; against the bare library saving the same aggregates in the same batches, and a
  binary COPY of the same stored-event rows into a table of the same shape;
- projections catching up with what the import wrote (events per second, per view);
- sync: visits in batches of 500 through POST /api/v1/sync, against one POST per visit.

    python -m benchmarks.import_sync [--families N] [--services-per-family S] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from psycopg import sql
from stdnum.cn import ric

from api.registers.families import HouseholdPreparer, households
from api.registers.importing import FAMILY_BATCH, SERVICE_BATCH, import_prepared
from api.registers.reading import register_rows
from api.registers.services import ServicePreparer
from api.registers.wording import FAMILY_HEADINGS, SERVICE_HEADINGS
from api.runtime import Runtime, open_runtime
from application.app import Nuanxin
from application.commands.cases import RegisterFamily
from application.commands.ledger import OpenFund, RecordReceipt
from application.imports import IMPORT_PRINCIPAL, importing_principal
from application.principal import Principal
from benchmarks.server import served
from benchmarks.workspace import drop_workspace, throwaway_settings
from domain.actor import acting_as
from domain.family import Family
from domain.idempotency import IdempotentResponse
from domain.ledger.account import Account
from domain.ledger.operations import record_transfer
from domain.ledger.vocabulary import FundSource, Programme, TransferKind
from domain.resident_index import ResidentIndex
from domain.service import ServiceRecord
from domain.values import Role
from infrastructure.logging import configure_logging

T = TypeVar("T")
VILLAGE = "430121101001"
ADMIN = Principal("admin", "管理员", Role.ADMIN, None)
OCCASIONS = ("春节", "端午", "中秋", "5.29", "日常")


# -- the register ------------------------------------------------------------------------------


def _resident(index: int) -> tuple[str, str, str]:
    """A distinct valid resident ID per index, with its birth date and sex."""
    born = dt.date(1940, 1, 1) + dt.timedelta(days=index // 1000)
    serial = index % 1000
    body = f"430121{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "?"), born.isoformat(), "男" if serial % 2 else "女"


def write_register(folder: Path, families: int, services_per_family: int) -> tuple[Path, Path]:
    people = itertools.count()
    families_path, services_path = folder / "families.csv", folder / "services.csv"
    with (
        families_path.open("w", newline="", encoding="utf-8") as f_stream,
        services_path.open("w", newline="", encoding="utf-8") as s_stream,
    ):
        f_rows, s_rows = csv.writer(f_stream), csv.writer(s_stream)
        f_rows.writerow(FAMILY_HEADINGS)
        s_rows.writerow(SERVICE_HEADINGS)
        for number in range(families):
            head_id = ""
            for place, relation in enumerate(("户主", "配偶", "子女")):
                id_number, born, sex = _resident(next(people))
                head_id = head_id or id_number
                first = place == 0
                f_rows.writerow(
                    [f"H{number:06d}", f"王{place}", relation, id_number, sex, born]
                    + (["失独", VILLAGE, "长沙县黄兴镇蓝田村3组12号"] if first else ["", "", ""])
                    + ["13812345678" if first else "", "2024-01-05" if first else ""]
                )
            for visit in range(services_per_family):
                day = dt.date(2025, 1, 1) + dt.timedelta(days=visit * 30)
                cash = "300" if visit % 2 == 0 else ""
                what = [head_id, "走访慰问", OCCASIONS[visit % 5], day.isoformat(), "张敏、刘洋"]
                s_rows.writerow([*what, "走访慰问，送去米油", cash, "大米", "80"])
    return families_path, services_path


# -- ours, and the bare library in the same batches ---------------------------------------------


def events_stored(runtime: Runtime) -> int:
    return runtime.app.recorder.max_notification_id() or 0


def open_cash_fund(app: Nuanxin, fen: int) -> uuid.UUID:
    fund = uuid.UUID(
        app.handle(
            ADMIN,
            OpenFund(
                source=FundSource.PROVINCIAL_BUDGET,
                region_code="430121",
                programme=Programme.WARM_HEART,
                name="长沙县暖心行动资金",
            ),
        ).body["id"]
    )
    app.handle(
        ADMIN,
        RecordReceipt(
            fund,
            amount_fen=fen,
            payer="湖南省财政厅",
            received_on=dt.date(2024, 12, 1),
            reference="",
        ),
        idempotency_key="bench-receipt",
    )
    return fund


def import_register(runtime: Runtime, path: Path, *, services: bool, fund: Any) -> dict[str, Any]:
    app = runtime.app
    before, started = events_stored(runtime), time.perf_counter()
    headings = SERVICE_HEADINGS if services else FAMILY_HEADINGS
    with register_rows(path, headings) as rows:
        if services:
            preparer = ServicePreparer(app, IMPORT_PRINCIPAL, fund)
            prepared: Iterator[Any] = (preparer.prepare(row) for row in rows)
        else:
            households_of = HouseholdPreparer(app, IMPORT_PRINCIPAL)
            prepared = (households_of.prepare(group) for group in households(rows))
        tally = import_prepared(
            app, prepared, path, batch_size=SERVICE_BATCH if services else FAMILY_BATCH
        )
    seconds = time.perf_counter() - started
    assert tally.rejected == 0, f"the generated register has rejected rows: {tally}"
    return {"rows": tally.imported, "events": events_stored(runtime) - before, "seconds": seconds}


def bare_saves(runtime: Runtime, families: int, services_per_family: int) -> dict[str, Any]:
    """The same aggregates built straight from the domain and saved in the same batches: a
    family and its residents' index entries; a service record, its stored answer and, for
    the visits with 慰问金, the fund's transfer to the family's account. No reading, no
    validation, no rules beyond the ledger's own entries."""
    app, people = runtime.app, itertools.count(10_000_000)
    events, started = 0, time.perf_counter()
    with acting_as(IMPORT_PRINCIPAL.actor):
        payer = Account.open_external("bare-bench")
        fund = Account.open_fund(
            uuid.uuid4(),
            name="bare",
            source=FundSource.PROVINCIAL_BUDGET,
            programme=Programme.WARM_HEART,
            region_code="430121",
        )
        receipt = _paid(payer, fund, families * services_per_family * 300_00, "receipt")
        events += _saved(app, [payer, fund, receipt])
        family_ids: list[uuid.UUID] = []
        for batch in _batched(range(families), FAMILY_BATCH):
            aggregates: list[Any] = []
            for _ in batch:
                members = [_member(next(people), relation) for relation in RELATIONS]
                family = Family(VILLAGE, "bereaved", members, "蓝田村", dt.date(2024, 1, 5))
                family_ids.append(family.id)
                aggregates.append(family)
                aggregates += [
                    ResidentIndex(id=uuid.uuid4(), id_number=m["id_number"], family_id=family.id)
                    for m in members
                ]
            events += _saved(app, aggregates)
        accounts: dict[uuid.UUID, Account] = {}
        visits = ((f, v) for f in family_ids for v in range(services_per_family))
        for batch_of_visits in _batched(visits, SERVICE_BATCH):
            aggregates = [fund]
            for family_id, visit in batch_of_visits:
                key = uuid.uuid4().hex
                service = ServiceRecord(
                    ServiceRecord.id_for("import", key),
                    family_id,
                    VILLAGE,
                    "visit",
                    "spring_festival",
                    dt.date(2025, 1, 1) + dt.timedelta(days=visit * 30),
                    ["张敏", "刘洋"],
                    "走访慰问，送去米油",
                    [{"description": "大米", "value_fen": 8000}],
                )
                aggregates += [service, IdempotentResponse("import", key, "x", {"id": key})]
                if visit % 2 == 0:
                    account = accounts.setdefault(family_id, Account.open_beneficiary(family_id))
                    aggregates += [_paid(fund, account, 300_00, "service"), account]
            events += _saved(app, list({id(a): a for a in aggregates}.values()))
    return {"events": events, "seconds": time.perf_counter() - started}


RELATIONS = ("head", "spouse", "child")


def _member(index: int, relation: str) -> dict[str, Any]:
    id_number, born, sex = _resident(index)
    return {
        "member_id": str(uuid.uuid4()),
        "name": "王秀英",
        "id_number": id_number,
        "birth_date": born,
        "gender": "male" if sex == "男" else "female",
        "relation": relation,
        "phone": None,
    }


def _paid(source: Account, target: Account, fen: int, cause: str) -> Any:
    return record_transfer(
        source,
        target,
        transfer_id=uuid.uuid4(),
        kind=TransferKind.SERVICE_PAYMENT if cause == "service" else TransferKind.RECEIPT,
        amount_fen=fen,
        memo="暖心行动慰问金",
        occurred_on=dt.date(2025, 1, 1),
        cause={"type": cause, "id": str(uuid.uuid4())},
        family_region=VILLAGE if cause == "service" else None,
    )


def _saved(app: Nuanxin, aggregates: list[Any]) -> int:
    count = sum(len(a.pending_events) for a in aggregates)
    app.save(*aggregates)
    return count


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def copy_rows(runtime: Runtime, url: str, schema: str) -> dict[str, Any]:
    """The stored-event rows already written, copied by binary COPY into a table of the same
    shape: what PostgreSQL itself takes to write them."""
    import psycopg

    table = sql.Identifier(schema, "copied_events")
    # The application's own table: the schema also holds the access log's events.
    events_table = runtime.app.recorder.events_table_name  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                table, sql.Identifier(schema, events_table)
            )
        )
        columns = "originator_id, originator_version, topic, state"
        source = sql.Identifier(schema, events_table)
        rows = conn.execute(sql.SQL(f"SELECT {columns} FROM {{}}").format(source)).fetchall()
        started = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor() as cursor,
            cursor.copy(
                sql.SQL(f"COPY {{}} ({columns}) FROM STDIN WITH (FORMAT BINARY)").format(table)
            ) as copy,
        ):
            copy.set_types(["uuid", "int8", "text", "bytea"])
            for row in rows:
                copy.write_row(row)
        seconds = time.perf_counter() - started
    return {"events": len(rows), "seconds": seconds}


def catch_up(runtime: Runtime) -> list[dict[str, Any]]:
    results = []
    for name in runtime.projections:
        runner = runtime.runner_for(name)
        start_position = runner.position or 0
        started = time.perf_counter()
        runner.catch_up()
        seconds = time.perf_counter() - started
        results.append(
            {"view": name, "events": (runner.position or 0) - start_position, "seconds": seconds}
        )
    return results


# -- sync ---------------------------------------------------------------------------------------

VISIT: dict[str, Any] = {
    "kind": "visit",
    "occasion": "spring_festival",
    "occurred_on": "2025-01-27",
    "staff": ["张敏", "刘洋"],
    "summary": "春节走访慰问，送去米油和慰问品",
    "goods": [{"description": "大米一袋", "value": "80.00"}],
}


def measure_sync(
    url: str | None, batches: int, singles: int, batch_size: int = 500
) -> dict[str, Any]:
    """Visits to 50 families: `batches` requests of `batch_size` records, then `singles`
    requests of one visit each, from one client to a served `nuanxin serve`."""
    settings = throwaway_settings(url)
    runtime = open_runtime(settings, run_projections=False)
    try:
        token = runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121").token
        worker = importing_principal(runtime.app, "李敏")
        families = _families_for_sync(runtime.app, worker, 50)
    finally:
        runtime.close()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with (
            served(settings) as base,
            httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=120) as http,
        ):
            started = time.perf_counter()
            for batch in range(batches):
                records = [
                    {"key": f"b{batch}-{n}", "type": "service", "body": VISIT | {"family_id": f}}
                    for n, f in zip(range(batch_size), itertools.cycle(families), strict=False)
                ]
                response = http.post("/sync", json={"records": records})
                statuses = {r["status"] for r in response.json()["results"]}
                assert statuses == {201}, statuses
            batched = time.perf_counter() - started
            started = time.perf_counter()
            for n in range(singles):
                response = http.post(
                    f"/families/{families[n % len(families)]}/services",
                    json=VISIT,
                    headers={"Idempotency-Key": f"single-{n}"},
                )
                assert response.status_code == 201, response.text
            single = time.perf_counter() - started
    finally:
        drop_workspace(settings)
    return {
        "batched": {"records": batches * batch_size, "seconds": batched},
        "single": {"records": singles, "seconds": single},
    }


def _families_for_sync(app: Nuanxin, worker: Principal, count: int) -> list[str]:
    ids = []
    for index in range(count):
        id_number, born, sex = _resident(index)
        command = RegisterFamily(
            region_code=VILLAGE,
            category="bereaved",  # type: ignore[arg-type]
            head={
                "name": "王秀英",
                "id_number": id_number,
                "birth_date": dt.date.fromisoformat(born),
                "gender": "male" if sex == "男" else "female",
            },
            members=(),
            address="长沙县黄兴镇蓝田村3组12号",
        )
        result = app.handle(worker, command)
        ids.append(str(result.body["id"]))
    return ids


# -- the whole scenario -------------------------------------------------------------------------


def measure_import(url: str | None, families: int, services_per_family: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="nuanxin-register-"))
    families_path, services_path = write_register(folder, families, services_per_family)
    settings = throwaway_settings(url)
    runtime = open_runtime(settings, run_projections=False)
    try:
        fund = open_cash_fund(runtime.app, families * services_per_family * 300_00)
        ours_families = import_register(runtime, families_path, services=False, fund=None)
        ours_services = import_register(runtime, services_path, services=True, fund=fund)
        views = catch_up(runtime)
        copied = copy_rows(runtime, url, settings.database_schema) if url else None
        bare = bare_saves(runtime, families, services_per_family)
    finally:
        runtime.close()
        drop_workspace(settings)
    return {
        "families": families,
        "services": families * services_per_family,
        "import_families": ours_families,
        "import_services": ours_services,
        "bare": bare,
        "copy": copied,
        "catch_up": views,
    }


def measure_import_and_sync(
    url: str | None, families: int, services_per_family: int, sync_batches: int, singles: int
) -> dict[str, Any]:
    """The whole scenario, for `python -m benchmarks`."""
    result = measure_import(url, families, services_per_family)
    result["sync"] = measure_sync(url, sync_batches, singles, 500 if sync_batches > 1 else 50)
    return result


def _rate(part: dict[str, Any], what: str = "events") -> str:
    return (
        f"{part[what] / part['seconds']:,.0f} {what}/s ({part[what]:,} in {part['seconds']:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--services-per-family", type=int, default=10)
    parser.add_argument("--sync-batches", type=int, default=10)
    parser.add_argument("--sync-singles", type=int, default=500)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a throwaway schema is used")
    parser.add_argument("--skip-sync", action="store_true")
    args = parser.parse_args()
    configure_logging("warning")
    print(f"backend {'postgres' if args.postgres else 'sqlite'}")
    result = measure_import(args.postgres, args.families, args.services_per_family)
    both = {
        "events": result["import_families"]["events"] + result["import_services"]["events"],
        "seconds": result["import_families"]["seconds"] + result["import_services"]["seconds"],
    }
    print(f"register: {result['families']:,} families, {result['services']:,} services")
    print(f"import families    {_rate(result['import_families'])}")
    print(f"import services    {_rate(result['import_services'])}")
    print(f"import, all        {_rate(both)}")
    print(f"bare library saves {_rate(result['bare'])}")
    if result["copy"]:
        print(f"binary COPY        {_rate(result['copy'])}")
    for view in result["catch_up"]:
        print(f"catch-up {view['view']:<10}{_rate(view)}")
    if not args.skip_sync:
        synced = measure_sync(args.postgres, args.sync_batches, args.sync_singles)
        print(f"sync, 500 a batch  {_rate(synced['batched'], 'records')}")
        print(f"one POST each      {_rate(synced['single'], 'records')}")


if __name__ == "__main__":
    main()
