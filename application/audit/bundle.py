"""Bundles: every event of the log and every seal exported to one file, and that file verified
offline with the same checker as the store, without a database, the service or the cipher key.
Ledger events and seals are written in full; every other event (families, services, users: the
personal data an auditor does not see) by its digest only, which is all its aggregate's chain
needs, so that the seals' root hashes recompute offline too."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from application.audit.bundle_file import (
    LinesDigest,
    encode_line,
    file_sha256,
    header_line,
    open_for_reading,
    open_for_writing,
    read_header,
)
from application.audit.checker import LedgerChecker
from application.audit.collector import collector_paused
from application.audit.event_chains import aggregate_kind
from application.audit.records import (
    ACCOUNT_OPENED,
    ACCOUNT_TOPICS,
    ENTRY_RECORDED,
    EVERY_TOPIC,
    SEAL_TOPICS,
    TRANSFER_RECORDED,
    TRANSFER_TOPICS,
    EventRecord,
    state_as_shown,
    whole_number,
)
from application.audit.report import AggregateKind, Findings, ProblemKind, VerifyReport
from application.audit.store import Progress, log_head, stored_records
from domain.ledger.vocabulary import AccountKind


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    events: int
    seals: int
    position: int
    sha256: str
    """Of the bundle file, for the exporter to send apart from the file itself."""
    seconds: float


def bundle_lines(
    app: Application[UUID],
    *,
    stop: int | None = None,
    scope: str = "",
    progress: Progress | None = None,
) -> Iterator[str]:
    """A bundle's lines (without line breaks) up to notification `stop` (default: the log's
    head now): a header, the seals, every event in log order, and an end line with the counts
    and the hash over every line before it. Within region `scope` (a region-code prefix; ""
    for all) the ledger is written in full, as the journal shows it: the funds of the region,
    the entries that count in it and the transfers that touch them; everything else by its
    digest."""
    stop = log_head(app) if stop is None else stop
    in_full = _InFull(scope)
    digest = LinesDigest()
    seals = [record for record in stored_records(app, SEAL_TOPICS, stop=stop)]
    last_seal_hash = next(
        (str(r.state["seal_hash"]) for r in reversed(seals) if r.state is not None), None
    )
    header = header_line(
        application=app.name,
        exported_at=dt.datetime.now(dt.UTC).isoformat(),
        position=stop,
        money="integer fen",
        seals=len(seals),
        last_seal_hash=last_seal_hash,
        region_scope=scope,
    )
    events = 0
    for item in (
        header,
        *({"section": "seal", **record.to_json()} for record in seals),
    ):
        line = encode_line(item)
        digest.add(line)
        yield line
    for record in stored_records(app, EVERY_TOPIC, stop=stop, progress=progress):
        exported = record if in_full(record) else _withheld(record)
        line = encode_line({"section": "event", **exported.to_json()})
        digest.add(line)
        events += 1
        yield line
    yield encode_line(
        {"section": "end", "events": events, "seals": len(seals), "sha256": digest.hexdigest()}
    )


class _InFull:
    """Which events a bundle of region `scope` carries in full: seals, and the ledger events of
    the funds in the region, the entries that count in it (a payment's family leg counts in
    the family's region, a payer's leg where the fund it pays does) and the transfers touching
    either (all of them for scope ""). A family's or a payer's other entries, and its opening,
    go by their digests: the journal shows only the entries that count in the region."""

    def __init__(self, scope: str) -> None:
        self._scope = scope
        self._accounts: set[str] = set()
        self._transfers: set[str] = set()

    def _in_scope(self, region_code: object) -> bool:
        return isinstance(region_code, str) and region_code.startswith(self._scope)

    def __call__(self, record: EventRecord) -> bool:
        if record.topic in SEAL_TOPICS:
            return True
        if not self._scope:
            return record.topic in ACCOUNT_TOPICS or record.topic in TRANSFER_TOPICS
        state = record.state or {}
        if record.topic == ACCOUNT_OPENED and state.get("kind") == AccountKind.FUND.value:
            if self._in_scope(state.get("region_code")):
                self._accounts.add(record.originator_id)
        elif record.topic == TRANSFER_RECORDED and (
            str(state.get("from_account_id")) in self._accounts
            or str(state.get("to_account_id")) in self._accounts
            or self._in_scope(state.get("family_region"))
        ):
            self._transfers.add(record.originator_id)
        if record.topic == ENTRY_RECORDED and self._in_scope(state.get("region_code")):
            return True
        if record.topic in ACCOUNT_TOPICS:
            return record.originator_id in self._accounts
        return record.topic in TRANSFER_TOPICS and record.originator_id in self._transfers


def _withheld(record: EventRecord) -> EventRecord:
    """An event by its digest alone (a row that does not decode stays as it is)."""
    return dataclasses.replace(record, state=None, payload=None)


def export_bundle(
    app: Application[UUID], path: Path | str, *, progress: Progress | None = None
) -> ExportSummary:
    """Writes the bundle (`bundle_lines`) as JSON lines (gzip when the name ends in .gz). The
    file appears whole or not at all."""
    started = time.perf_counter()
    target = Path(path)
    stop = log_head(app)
    partial = target.with_name(f".{target.name}.partial")
    last = ""
    try:
        with open_for_writing(partial, compress=target.name.endswith(".gz")) as out:
            for last in bundle_lines(app, stop=stop, progress=progress):
                out.write(last)
                out.write("\n")
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    end = json.loads(last)
    return ExportSummary(
        path=target,
        events=end["events"],
        seals=end["seals"],
        position=stop,
        sha256=file_sha256(target),
        seconds=time.perf_counter() - started,
    )


def verify_bundle(
    path: Path | str, *, public_key: str | None = None, expect_seal: str | None = None
) -> VerifyReport:
    """Verifies an exported bundle with the same checks as `verify_ledger`, from the file
    alone: no database, no service, no cipher key. `public_key` is the auditors' and
    `expect_seal` the hash of a seal they kept, as for `verify_ledger`."""
    started = time.perf_counter()
    with collector_paused():
        return _verify_bundle(Path(path), started, public_key=public_key, expect_seal=expect_seal)


def _verify_bundle(
    path: Path, started: float, *, public_key: str | None, expect_seal: str | None
) -> VerifyReport:
    reader = _BundleReader(public_key=public_key, expect_seal=expect_seal)
    digest = LinesDigest()
    with open_for_reading(path) as lines:
        first = next(lines, "")
        header = read_header(first)
        digest.add(first.rstrip("\n"))
        for number, line in enumerate(lines, start=2):
            if not line.strip():
                continue
            before_end = reader.end is None
            reader.read(number, line)
            if before_end and reader.end is None:
                digest.add(line.rstrip("\n"))
    checker = reader.checker()
    checker.position = max(checker.position, whole_number(header.get("position", 0)))
    _check_end(reader, digest.hexdigest(), checker.position)
    _check_header(reader, header, checker)
    return checker.finish(seconds=time.perf_counter() - started)


def _check_end(reader: _BundleReader, digest: str, position: int) -> None:
    end = reader.end
    if end is None or end.get("events") != reader.events or end.get("seals") != len(reader.seals):
        reader.findings.add(
            AggregateKind.LEDGER,
            None,
            None,
            ProblemKind.DELETED,
            f"the bundle does not end with the line counting its {reader.events} events and "
            f"{len(reader.seals)} seals: lines were cut off or added",
            position + 1,
        )
    elif end.get("sha256") != digest:
        reader.findings.add(
            AggregateKind.LEDGER,
            None,
            None,
            ProblemKind.CHANGED,
            "its lines, the header included, do not hash to the sha256 its end line holds: "
            "a line was edited after the export",
            position + 1,
        )


def _check_header(reader: _BundleReader, header: dict[str, Any], checker: LedgerChecker) -> None:
    """What the header says of the bundle holds of its lines."""
    last_seal = next(
        (str(r.state.get("seal_hash")) for r in reversed(reader.seals) if r.state is not None),
        None,
    )
    claims = {
        "position": (header.get("position"), checker.position),
        "seals": (header.get("seals"), len(reader.seals)),
        "last_seal_hash": (header.get("last_seal_hash"), last_seal),
    }
    for name, (said, found) in claims.items():
        if said != found:
            reader.findings.add(
                AggregateKind.LEDGER,
                None,
                None,
                ProblemKind.CHANGED,
                f"its header says {name} {said!r}, but its lines give {found!r}",
                0,
            )


class _BundleReader:
    """Feeds a bundle's lines to a checker: the seals, which come first, make the checker;
    then each event is checked as it is read, so a bundle of any size takes little memory.
    What is wrong with the lines themselves goes to the checker's findings, as problems of the
    ledger as a whole."""

    def __init__(self, *, public_key: str | None, expect_seal: str | None) -> None:
        self._public_key = public_key
        self._expect_seal = expect_seal
        self.seals: list[EventRecord] = []
        self.events = 0
        self.end: dict[str, Any] | None = None
        self.findings = Findings()
        self._checker: LedgerChecker | None = None
        self._last_position = {"seal": 0, "event": 0}

    def checker(self) -> LedgerChecker:
        """The checker, made from the seals read so far when it is first asked for."""
        if self._checker is None:
            self._checker = LedgerChecker(
                self.seals,
                findings=self.findings,
                public_key=self._public_key,
                expect_seal=self._expect_seal,
            )
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
            if not state_as_shown(item, record):
                self.findings.add(
                    aggregate_kind(record.topic),
                    record.originator_id,
                    record.originator_version,
                    ProblemKind.CHANGED,
                    f"line {number} shows a state that is not what its payload holds: the "
                    "readable copy was edited",
                    record.position,
                )
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
