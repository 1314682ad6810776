"""Runs prepared households or rows through the application in batches: each batch is one
atomic save, so a crash loses at most the batch in flight and a re-run skips what was saved."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import structlog

from api.registers.outcomes import Outcome, Prepared, Problem, Reports, Tally
from application.app import Nuanxin
from application.batches import save_together

log = structlog.get_logger(__name__)

FAMILY_BATCH = 250
SERVICE_BATCH = 500


def import_prepared(
    app: Nuanxin,
    prepared: Iterable[Prepared],
    source: Path,
    *,
    batch_size: int,
    dry_run: bool = False,
    advance: Callable[[int], object] = lambda _rows: None,
) -> Tally:
    tally = Tally()
    reports = Reports(source)
    try:
        for batch in _batches(iter(prepared), batch_size):
            runnable = [item for item in batch if item.command is not None]
            results = save_together(
                app,
                [item.command for item in runnable if item.command is not None],
                commit=not dry_run,
            )
            outcome_of = dict(zip(map(id, runnable), results, strict=True))
            for item in batch:
                for warning in item.warnings:
                    tally.warnings += 1
                    reports.note(warning)
                if item.command is None:
                    _rejected(tally, reports, item.problems)
                    continue
                assert item.interpret is not None
                _count(tally, reports, item.interpret(outcome_of[id(item)]), dry_run=dry_run)
            advance(sum(len(item.rows) for item in batch))
    finally:
        reports.close()
    log.info("register_imported", source=str(source), dry_run=dry_run, **vars(tally))
    return tally


def _count(tally: Tally, reports: Reports, outcome: Outcome, *, dry_run: bool) -> None:
    if outcome.status == "imported":
        if dry_run:
            tally.would_import += 1
        else:
            tally.imported += 1
    elif outcome.status == "skipped":
        tally.skipped += 1
        for note in outcome.notes:
            reports.note(note)
    else:
        _rejected(tally, reports, outcome.notes)


def _rejected(tally: Tally, reports: Reports, problems: list[Problem]) -> None:
    tally.rejected += 1
    for problem in sorted(problems, key=lambda p: p.row):
        reports.error(problem)


def _batches(items: Iterator[Prepared], size: int) -> Iterator[list[Prepared]]:
    while batch := list(itertools.islice(items, size)):
        yield batch
