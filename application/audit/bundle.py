"""Bundles: every ledger event and seal exported to one file, and that file verified offline
with the same checker as the store, without a database, the service or the cipher key."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from application.audit.bundle_file import (
    file_sha256,
    header_line,
    open_for_reading,
    open_for_writing,
    read_header,
    write_line,
)
from application.audit.checker import LedgerChecker
from application.audit.records import LEDGER_TOPICS, SEAL_TOPICS, EventRecord, whole_number
from application.audit.report import AggregateKind, Findings, ProblemKind, VerifyReport
from application.audit.store import Progress, log_head, stored_records
from application.base import NuanxinBase


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    events: int
    seals: int
    position: int
    sha256: str
    """Of the bundle file, for the exporter to send apart from the file itself."""
    seconds: float


def export_bundle(
    app: NuanxinBase, path: Path | str, *, progress: Progress | None = None
) -> ExportSummary:
    """Writes every ledger event and seal up to the log's current position, decoded to plain
    JSON, as JSON lines (gzip when the name ends in .gz): a header, the seals, the events in
    log order, and an end line with the counts. The file appears whole or not at all."""
    started = time.perf_counter()
    target = Path(path)
    stop = log_head(app)
    partial = target.with_name(f".{target.name}.partial")
    events = seals = 0
    try:
        with open_for_writing(partial, compress=target.name.endswith(".gz")) as out:
            write_line(
                out,
                header_line(
                    application=app.name,
                    exported_at=dt.datetime.now(dt.UTC).isoformat(),
                    position=stop,
                    money="integer fen",
                ),
            )
            for record in stored_records(app, SEAL_TOPICS, stop=stop):
                write_line(out, {"section": "seal", **record.to_json()})
                seals += 1
            for record in stored_records(app, LEDGER_TOPICS, stop=stop, progress=progress):
                write_line(out, {"section": "event", **record.to_json()})
                events += 1
            write_line(out, {"section": "end", "events": events, "seals": seals})
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return ExportSummary(
        path=target,
        events=events,
        seals=seals,
        position=stop,
        sha256=file_sha256(target),
        seconds=time.perf_counter() - started,
    )


def verify_bundle(path: Path | str) -> VerifyReport:
    """Verifies an exported bundle with the same checks as `verify_ledger`, from the file
    alone: no database, no service, no cipher key."""
    started = time.perf_counter()
    reader = _BundleReader()
    with open_for_reading(Path(path)) as lines:
        header = read_header(next(lines, ""))
        for number, line in enumerate(lines, start=2):
            if line.strip():
                reader.read(number, line)
    checker = reader.checker()
    checker.position = max(checker.position, whole_number(header.get("position", 0)))
    end = reader.end
    if end is None or end.get("events") != reader.events or end.get("seals") != len(reader.seals):
        reader.findings.add(
            AggregateKind.LEDGER,
            None,
            None,
            ProblemKind.DELETED,
            f"the bundle does not end with the line counting its {reader.events} events and "
            f"{len(reader.seals)} seals: lines were cut off or added",
            checker.position + 1,
        )
    return checker.finish(seconds=time.perf_counter() - started)


class _BundleReader:
    """Feeds a bundle's lines to a checker: the seals, which come first, make the checker;
    then each event is checked as it is read, so a bundle of any size takes little memory.
    What is wrong with the lines themselves goes to the checker's findings, as problems of the
    ledger as a whole."""

    def __init__(self) -> None:
        self.seals: list[EventRecord] = []
        self.events = 0
        self.end: dict[str, Any] | None = None
        self.findings = Findings()
        self._checker: LedgerChecker | None = None
        self._last_position = {"seal": 0, "event": 0}

    def checker(self) -> LedgerChecker:
        """The checker, made from the seals read so far when it is first asked for."""
        if self._checker is None:
            self._checker = LedgerChecker(self.seals, findings=self.findings)
        return self._checker

    def read(self, number: int, line: str) -> None:
        try:
            item = json.loads(line)
            section = item["section"]
            if self.end is not None:
                raise ValueError("a line after the end line")
            if section == "end":
                self.end = item
                return
            if section not in self._last_position:
                raise ValueError(f"no section {section!r} in a bundle")
            record = EventRecord.from_json(item)
        except (ValueError, KeyError, TypeError) as error:
            self.findings.add(
                AggregateKind.LEDGER,
                None,
                None,
                ProblemKind.CHANGED,
                f"line {number} of the bundle is not a ledger record: {error!r}",
                self._last_position["event"],
            )
            return
        if record.position <= self._last_position[section]:
            self.findings.add(
                AggregateKind.LEDGER,
                record.originator_id,
                record.originator_version,
                ProblemKind.INSERTED,
                f"line {number} is at position {record.position}, out of log order",
                record.position,
            )
        self._last_position[section] = max(self._last_position[section], record.position)
        if section == "seal":
            if self._checker is None:
                self.seals.append(record)
            else:
                self.findings.add(
                    AggregateKind.LEDGER,
                    record.originator_id,
                    record.originator_version,
                    ProblemKind.INSERTED,
                    f"line {number} is a seal among the events, where none is written",
                    record.position,
                )
            return
        self.events += 1
        self.checker().feed(record)
