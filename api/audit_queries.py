"""Verification that also holds the ledger view to the events: the view's fund balances are
read with the log position they reflect, and the verifier compares them at that position."""

from __future__ import annotations

import contextlib
from uuid import UUID

from api.runtime import Runtime
from application.audit.report import VerifyReport
from application.audit.store import Progress
from application.audit.verify import verify_ledger
from projections.ledger import LedgerProjection, LedgerQuery
from projections.runner import ProjectionLagError

SNAPSHOT_ATTEMPTS = 5


def projected_fund_postings(runtime: Runtime) -> tuple[int, dict[UUID, int]] | None:
    """Every fund's posted balance in the ledger view and the position the view had reached,
    read so that both belong to one state of the view (its rows and position commit together,
    so an unchanged position around the read means no page was applied during it). None when
    the view kept moving or has nothing yet."""
    view = runtime.ledger
    for _ in range(SNAPSHOT_ATTEMPTS):
        before = view.max_tracking_id(runtime.app.name) or 0
        balances = view.fund_balances(LedgerQuery())
        after = view.max_tracking_id(runtime.app.name) or 0
        if before == after:
            if before == 0:
                return None
            return before, {UUID(balance.fund_id): balance.posted_fen for balance in balances}
    return None


def verify_with_views(
    runtime: Runtime,
    *,
    wait_for_views: bool,
    progress: Progress | None = None,
    public_key: str | None = None,
    expect_seal: str | None = None,
    scope: str = "",
) -> VerifyReport:
    """The whole ledger verified from the stored events, and the ledger view's balances
    checked against them. Serving, the view is first brought up to date; from the command
    line, with no projection running, it is compared wherever it stands."""
    if wait_for_views:
        # A view stuck behind the log (on a row it cannot read, say) is compared where it
        # stands: verification answers whatever it finds, and finds that row itself.
        with contextlib.suppress(ProjectionLagError):
            runtime.reads_of(LedgerProjection.name).wait_until_current()
    snapshot = projected_fund_postings(runtime)
    position, postings = snapshot if snapshot is not None else (None, None)
    return verify_ledger(
        runtime.app,
        postings,
        projected_at=position,
        progress=progress,
        public_key=public_key,
        expect_seal=expect_seal,
        scope=scope,
    )
