"""Verifying the stored ledger: one pass of the checker over the application's own event log,
its seals and its account snapshots."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from application.audit.checker import LedgerChecker
from application.audit.collector import collector_paused
from application.audit.records import EVERY_TOPIC, SEAL_TOPICS
from application.audit.report import AggregateKind, Findings, VerifyReport
from application.audit.store import (
    Progress,
    account_snapshots,
    log_head,
    snapshot_interval,
    stored_records,
)
from domain.errors import InvalidValueError
from infrastructure.seal_keys import SealKeyError, parse_public_key


def trusted_key(text: str | None) -> str | None:
    """The auditors' public key as a request gives it, checked; None when not given."""
    if text is None:
        return None
    try:
        return parse_public_key(text)
    except SealKeyError as error:
        raise InvalidValueError(str(error), field="public_key") from None


def check_store(
    app: Application[UUID],
    *,
    stop: int,
    projected_posted: Mapping[UUID, int] | None = None,
    projected_at: int | None = None,
    progress: Progress | None = None,
    public_key: str | None = None,
    expect_seal: str | None = None,
    findings: Findings | None = None,
) -> LedgerChecker:
    """A checker that has been fed the application's events, seals and account snapshots up
    to notification `stop`, ready to finish."""
    snapshot_every = snapshot_interval(app)
    checker = LedgerChecker(
        stored_records(app, SEAL_TOPICS, stop=stop),
        projected_posted=projected_posted,
        projected_at=projected_at,
        snapshot_every=snapshot_every,
        public_key=public_key,
        expect_seal=expect_seal,
        findings=findings,
    )
    checker.feed_all(stored_records(app, EVERY_TOPIC, stop=stop, progress=progress))
    if snapshot_every:
        for account_id, version, state, error in account_snapshots(
            app, checker.accounts.reaching(snapshot_every)
        ):
            checker.check_snapshot(account_id, version, state, error)
    return checker


def verify_ledger(
    app: Application[UUID],
    projected_posted: Mapping[UUID, int] | None = None,
    *,
    projected_at: int | None = None,
    progress: Progress | None = None,
    public_key: str | None = None,
    expect_seal: str | None = None,
    scope: str = "",
) -> VerifyReport:
    """Recomputes every chain, hash, link, match and balance from the stored events, up to the
    log's position when it starts, and checks every seal's signature with `public_key` (the
    auditors'; without it, with the key each seal names) and that the seal whose hash an
    auditor kept (`expect_seal`) is still there. `projected_posted` gives a view's posted
    balance per account as of log position `projected_at` (default: that starting position).
    For region `scope` (a region prefix, "" for all) the report keeps the problems of that
    region's funds, of the transfers touching them, and of the seals and the log as a whole:
    a regional auditor checks the accounts of their region."""
    started = time.perf_counter()
    with collector_paused():
        stop = log_head(app)
        checker = check_store(
            app,
            stop=stop,
            projected_posted=projected_posted,
            projected_at=stop if projected_at is None else min(projected_at, stop),
            progress=progress,
            public_key=public_key,
            expect_seal=expect_seal,
        )
        checker.position = max(checker.position, stop)
        report = checker.finish(seconds=time.perf_counter() - started)
    return report if not scope else _of_region(report, checker, scope)


def _of_region(report: VerifyReport, checker: LedgerChecker, scope: str) -> VerifyReport:
    def concerns_region(problem: dict[str, Any]) -> bool:
        aggregate, aggregate_id = problem["aggregate"], problem["account_id"]
        if aggregate in (AggregateKind.SEAL, AggregateKind.LEDGER) or aggregate_id is None:
            return True
        if aggregate in (AggregateKind.ACCOUNT, AggregateKind.SNAPSHOT):
            return checker.accounts.in_region(aggregate_id, scope)
        transfer = checker.transfers.streams.get(aggregate_id)
        return (
            aggregate == AggregateKind.TRANSFER
            and transfer is not None
            and any(
                checker.accounts.in_region(account_id, scope)
                for account_id in (transfer.from_account_id, transfer.to_account_id)
            )
        )

    problems = [problem for problem in report.problems if concerns_region(problem)]
    return dataclasses.replace(report, ok=not problems, problems=problems)
