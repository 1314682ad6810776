"""Verification throughput, on the demo county plus synthetic transfers: events checked per
second by `verify_ledger` (decrypting every row of the log, chaining every aggregate's events,
recomputing every ledger hash, checking the seal's signature) against a decoded read of the
same log (every row decrypted and decoded to its event by the application's mapper, checking
nothing) and against the auditor's plain-record read of it (`stored_records`, what verification
reads before it checks anything), both in the same run (issue 12's goal: verify at >= 0.7 of
the decoded read's throughput); by `verify_bundle` (from the exported file, no cipher key);
and the time of a signed seal (verification plus the root hash).

    python -m benchmarks.verify_ledger [--families 300] [--transfers 2000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.runtime import Runtime
from application.audit.bundle import export_bundle, verify_bundle
from application.audit.records import EVERY_TOPIC
from application.audit.replay import replay_ledger
from application.audit.seals import seal_with_key
from application.audit.store import PAGE_SIZE, stored_records
from application.audit.verify import verify_ledger
from application.demo import load_demo_county
from application.principal import Principal
from benchmarks.workspace import throwaway_runtime, throwaway_settings
from domain.actor import Actor, acting_as
from domain.ledger.account import Account
from domain.ledger.operations import record_transfer
from domain.ledger.vocabulary import FundSource, Programme, TransferKind
from domain.values import Role
from infrastructure.seal_keys import public_key_text

AUDITOR = Principal(user_id="bench", name="bench", role=Role.AUDITOR, region_code=None)
AUDITORS_KEY = Ed25519PrivateKey.generate()
AUDITORS_PUBLIC_KEY = public_key_text(AUDITORS_KEY.public_key())


def add_transfers(runtime: Runtime, count: int, *, seed: int = 7) -> None:
    """Receipts into a county fund and payments from it to 200 families, one save each."""
    rng = random.Random(seed)
    app = runtime.app
    day = dt.date(2024, 1, 2)
    with acting_as(Actor(user_id="bench", name="bench", role="admin")):
        treasury = Account.open_external("benchmark treasury")
        fund = Account.open_fund(
            uuid.uuid4(),
            name="benchmark fund",
            source=FundSource.PROVINCIAL_BUDGET,
            programme=Programme.WARM_HEART,
            region_code="430121",
        )
        families = [Account.open_beneficiary(uuid.uuid4()) for _ in range(200)]
        app.save(treasury, fund, *families)
        for number in range(count):
            if number % 4 == 0:
                source, target, kind = treasury, fund, TransferKind.RECEIPT
                amount = 500_000
            else:
                source, target, kind = fund, rng.choice(families), TransferKind.SERVICE_PAYMENT
                amount = rng.randrange(100, 50_000)
            transfer = record_transfer(
                source,
                target,
                transfer_id=uuid.uuid4(),
                kind=kind,
                amount_fen=amount,
                memo="benchmark",
                occurred_on=day,
                cause={"type": kind.value},
                family_region="430121101001" if kind == TransferKind.SERVICE_PAYMENT else None,
            )
            app.save(source, target, transfer)


def read_every_row(runtime: Runtime) -> float:
    """The baseline: a decoded read of the same log, checking nothing: every row read a page
    at a time and decoded to its event by the application's mapper (decrypted, decompressed,
    made an event object), as the application reads events."""
    app = runtime.app
    started = time.perf_counter()
    stop = app.recorder.max_notification_id() or 0
    after = 0
    while after < stop:
        page = app.recorder.select_notifications(
            start=after, limit=PAGE_SIZE, stop=stop, inclusive_of_start=False
        )
        for notification in page:
            app.mapper.to_domain_event(notification)
        after = page[-1].id if len(page) == PAGE_SIZE else stop
    return time.perf_counter() - started


def read_every_record(runtime: Runtime) -> float:
    """The same rows read as the auditor's plain records (`stored_records`), checking nothing:
    what verification reads before it checks anything."""
    started = time.perf_counter()
    stop = runtime.app.recorder.max_notification_id() or 0
    for _ in stored_records(runtime.app, EVERY_TOPIC, stop=stop):
        pass
    return time.perf_counter() - started


def measure_verify(postgres_url: str | None, families: int, transfers: int) -> dict[str, Any]:
    """Seconds to read the ledger's events decoded (the baseline), to verify, seal, export,
    verify the bundle offline and replay, on the demo county plus `transfers`."""
    settings = throwaway_settings(postgres_url)
    with throwaway_runtime(settings) as runtime:
        if families:
            load_demo_county(runtime.app, families=families)
        add_transfers(runtime, transfers)
        started = time.perf_counter()
        seal = seal_with_key(runtime.app, AUDITOR, AUDITORS_KEY)
        seal_seconds = time.perf_counter() - started
        baseline = read_every_row(runtime)
        records = read_every_record(runtime)
        report = verify_ledger(
            runtime.app, public_key=AUDITORS_PUBLIC_KEY, expect_seal=seal["seal_hash"]
        )
        assert report.ok, report.problems[:3]
        summary = export_bundle(runtime.app, settings.data_dir / "bundle.jsonl.gz")
        offline = verify_bundle(
            summary.path, public_key=AUDITORS_PUBLIC_KEY, expect_seal=seal["seal_hash"]
        )
        assert offline.ok, offline.problems[:3]
        started = time.perf_counter()
        replay_ledger(runtime.app)
        replay_seconds = time.perf_counter() - started
        return {
            "events": report.checked,
            "read_seconds": baseline,
            "records_seconds": records,
            "verify_seconds": report.seconds,
            "seal_seconds": seal_seconds,
            "export_seconds": summary.seconds,
            "bundle_bytes": summary.path.stat().st_size,
            "verify_bundle_seconds": offline.seconds,
            "replay_seconds": replay_seconds,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a throwaway schema is used")
    args = parser.parse_args()
    row = measure_verify(args.postgres, args.families, args.transfers)
    events = row["events"]
    print(f"backend {'postgres' if args.postgres else 'sqlite'}, {events} events of the log")
    for name in ("read", "records", "verify", "seal", "export", "verify_bundle", "replay"):
        seconds = row[f"{name}_seconds"]
        print(
            f"{name:<14} {seconds:6.2f} s  {events / seconds:>8.0f} events/s  "
            f"{seconds / row['read_seconds']:5.2f}x the read"
        )
    print(f"verify throughput / read throughput: {row['read_seconds'] / row['verify_seconds']:.2f}")
    print(
        "verify throughput / records throughput: "
        f"{row['records_seconds'] / row['verify_seconds']:.2f}"
    )


if __name__ == "__main__":
    main()
