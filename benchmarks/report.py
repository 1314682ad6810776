"""The benchmark figures as one Markdown table: each measure, its baseline from the same
run, the ratio, and the goal where the issue sets one."""

from __future__ import annotations

from typing import Any

READ_YOUR_WRITES_GOAL_MS = 5.0
WRITE_PATH_GOAL = 0.5
IMPORT_GOAL_EVENTS = 20_000
SYNC_GOAL_RECORDS = 5_000

Row = tuple[str, str, str, str, str, str]
HEADER: Row = ("Scenario", "Backend", "Nuanxin", "Baseline (same run)", "Ratio", "Goal")


def rows_for(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for backend in results["backends"]:
        name = backend["backend"]
        for pair in backend["write_path"]:
            ours, bare = pair["nuanxin"], pair["bare"]
            ratio = ours["per_second"] / bare["per_second"]
            rows.append(
                (
                    f"(a) POST visit, {ours['clients']} client(s)",
                    name,
                    _rate(ours, "req/s"),
                    "bare library save: " + _rate(bare, "saves/s"),
                    f"{ratio:.2f}",
                    _goal(ratio >= WRITE_PATH_GOAL, f"≥ {WRITE_PATH_GOAL}"),
                )
            )
            rows.append(_against_the_minimal_endpoint(name, ours, bare, pair["endpoint"]))
        trip = backend["read_your_writes"]
        met = trip["p50_ms"] <= READ_YOUR_WRITES_GOAL_MS
        goal = _goal(met, f"p50 ≤ {READ_YOUR_WRITES_GOAL_MS} ms") if name == "sqlite" else "—"
        rows.append(
            (
                "(b) POST visit + GET timeline",
                name,
                f"p50 {trip['p50_ms']:.1f} ms, p99 {trip['p99_ms']:.1f} ms",
                f"POST alone p50 {trip['post_p50_ms']:.1f} ms, GET {trip['read_p50_ms']:.1f} ms",
                f"{trip['p50_ms'] / trip['post_p50_ms']:.2f}",
                goal,
            )
        )
        worker = backend.get("read_your_writes_separate_worker")
        if worker:
            rows.append(
                (
                    "(b) the same, projections in a separate worker",
                    name,
                    f"p50 {worker['p50_ms']:.1f} ms, p99 {worker['p99_ms']:.1f} ms",
                    f"in-process projections: p50 {trip['p50_ms']:.1f} ms",
                    f"{worker['p50_ms'] / trip['p50_ms']:.2f}",
                    "—",
                )
            )
        scaling = backend.get("http_workers")
        if scaling:
            one, two = scaling
            rows.append(
                (
                    f"(a) POST visit, {two['clients']} clients, 2 server workers",
                    name,
                    _rate(two, "req/s"),
                    "1 server worker: " + _rate(one, "req/s"),
                    f"{two['per_second'] / one['per_second']:.2f}",
                    "—",
                )
            )
        for view in backend["rebuild"]:
            events = view["events"]
            rows.append(
                (
                    f"(c) rebuild {view['view']} ({events} events)",
                    name,
                    f"{events / view['batched_seconds']:,.0f} events/s "
                    f"(per event: {events / view['per_event_seconds']:,.0f}/s)",
                    f"decoded read: {events / view['read_seconds']:,.0f} events/s",
                    f"{view['batched_seconds'] / view['read_seconds']:.2f}x the read",
                    "—",
                )
            )
        if backend.get("import_sync"):
            rows.extend(_import_sync_rows(name, backend["import_sync"]))
        verify = backend["verify"]
        if verify is None:
            continue
        events = verify["events"]
        rows.append(
            (
                f"(c) verify ledger ({events} events)",
                name,
                f"{events / verify['verify_seconds']:,.0f} events/s",
                f"decoded read: {events / verify['read_seconds']:,.0f} events/s",
                f"{verify['verify_seconds'] / verify['read_seconds']:.2f}x the read",
                "—",
            )
        )
    return rows


def _against_the_minimal_endpoint(
    name: str, ours: dict[str, Any], bare: dict[str, Any], endpoint: dict[str, Any]
) -> Row:
    """The same visit POSTed to a minimal FastAPI endpoint around the bare save: what the
    HTTP stack allows, so that the write path's ratio splits into the stack's and ours."""
    ceiling = endpoint["per_second"] / bare["per_second"]
    return (
        f"(a) the same against a minimal FastAPI endpoint, {ours['clients']} client(s)",
        name,
        _rate(ours, "req/s"),
        f"endpoint around the bare save: {_rate(endpoint, 'req/s')}, "
        f"{ceiling:.2f} of the bare save",
        f"{ours['per_second'] / endpoint['per_second']:.2f}",
        "—",
    )


def _import_sync_rows(name: str, result: dict[str, Any]) -> list[Row]:
    parts = (result["import_families"], result["import_services"])
    events = sum(p["events"] for p in parts)
    ours = events / sum(p["seconds"] for p in parts)
    bare = result["bare"]["events"] / result["bare"]["seconds"]
    copied = result["copy"]
    copy = f"; binary COPY {copied['events'] / copied['seconds']:,.0f}/s" if copied else ""
    postgres = name == "postgres"
    rows: list[Row] = [
        (
            f"(d) import {result['families']} families, {result['services']} services",
            name,
            f"{ours:,.0f} events/s ({events} events)",
            f"bare library, same batches: {bare:,.0f} events/s{copy}",
            f"{ours / bare:.2f}",
            _goal(ours >= IMPORT_GOAL_EVENTS, f"≥ {IMPORT_GOAL_EVENTS:,}/s") if postgres else "—",
        )
    ]
    for view in result["catch_up"]:
        rows.append(
            (
                f"(d) views catch up after the import: {view['view']}",
                name,
                f"{view['events'] / view['seconds']:,.0f} events/s",
                "—",
                "—",
                "—",
            )
        )
    batched, single = result["sync"]["batched"], result["sync"]["single"]
    synced = batched["records"] / batched["seconds"]
    alone = single["records"] / single["seconds"]
    rows.append(
        (
            "(e) POST /sync, batches of 500 visits",
            name,
            f"{synced:,.0f} records/s",
            f"one POST per visit: {alone:,.0f}/s",
            f"{synced / alone:.2f}",
            _goal(synced >= SYNC_GOAL_RECORDS, f"≥ {SYNC_GOAL_RECORDS:,}/s") if postgres else "—",
        )
    )
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [_line(HEADER), _line(("---",) * len(HEADER))]
    lines.extend(_line(row) for row in rows)
    return "\n".join(lines) + "\n"


def _line(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rate(summary: dict[str, Any], unit: str) -> str:
    return (
        f"{summary['per_second']:,.0f} {unit} "
        f"(p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms)"
    )


def _goal(met: bool, text: str) -> str:
    return f"{text}: {'met' if met else 'not met'}"
