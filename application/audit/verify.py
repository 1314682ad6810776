"""Verifying the stored ledger: one pass of the checker over the application's own event log,
its seals and its account snapshots."""

from __future__ import annotations

import time
from collections.abc import Mapping
from uuid import UUID

from application.audit.checker import LedgerChecker
from application.audit.records import LEDGER_TOPICS, SEAL_TOPICS
from application.audit.report import VerifyReport
from application.audit.store import (
    Progress,
    account_snapshots,
    log_head,
    snapshot_interval,
    stored_records,
)
from application.base import NuanxinBase


def check_store(
    app: NuanxinBase,
    *,
    stop: int,
    projected_posted: Mapping[UUID, int] | None = None,
    projected_at: int | None = None,
    progress: Progress | None = None,
) -> LedgerChecker:
    """A checker that has been fed the application's ledger events, seals and account
    snapshots up to notification `stop`, ready to finish."""
    snapshot_every = snapshot_interval(app)
    checker = LedgerChecker(
        stored_records(app, SEAL_TOPICS, stop=stop),
        projected_posted=projected_posted,
        projected_at=projected_at,
        snapshot_every=snapshot_every,
    )
    checker.feed_all(stored_records(app, LEDGER_TOPICS, stop=stop, progress=progress))
    if snapshot_every:
        for account_id, version, state, error in account_snapshots(
            app, checker.accounts.reaching(snapshot_every)
        ):
            checker.check_snapshot(account_id, version, state, error)
    return checker


def verify_ledger(
    app: NuanxinBase,
    projected_posted: Mapping[UUID, int] | None = None,
    *,
    projected_at: int | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Recomputes every hash, link, match and balance of the ledger from the stored events, up
    to the log's position when it starts. `projected_posted` gives a view's posted balance per
    account as of log position `projected_at` (default: that starting position)."""
    started = time.perf_counter()
    stop = log_head(app)
    checker = check_store(
        app,
        stop=stop,
        projected_posted=projected_posted,
        projected_at=stop if projected_at is None else min(projected_at, stop),
        progress=progress,
    )
    checker.position = max(checker.position, stop)
    return checker.finish(seconds=time.perf_counter() - started)
