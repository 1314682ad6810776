"""The tamper campaign: every kind of change an insider with the server, the cipher key and the
code could make to a sealed store, or to an exported bundle, must be found and named by
`verify --public-key --expect-seal` (or `verify-bundle`). Each case below is one such change,
on a copy of a store (a fresh one per test) that was sealed with the auditors' key; the suite
fails if any change passes unnoticed.

In the store the rows are decrypted with the application's key, changed, and encrypted again,
so that they decode; where the insider would also recompute a hash with the code, so do the
cases. In bundles, the lines are edited and the bundle's own line hash recomputed."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.runtime import Runtime
from application.audit.bundle import export_bundle, verify_bundle
from application.audit.bundle_file import LinesDigest, encode_line
from application.audit.report import VerifyReport
from application.audit.seals import seal_with_key
from application.audit.verify import verify_ledger
from domain.actor import acting_as
from domain.event_chain import payload_digest
from domain.ledger.hashing import ledger_entry_hash
from domain.ledger.operations import open_pending_transfer, void_pending_transfer
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import TransferKind
from domain.seal import seal_message, signed_seal_hash
from infrastructure.seal_keys import public_key_text, sign
from infrastructure.settings import Settings
from tests.conftest import UserFactory
from tests.steps import principal_of, record_service, register_family
from tests.support import person
from tests.test_audit import (
    ADMIN_ACTOR,
    AUDITOR,
    AUDITORS_KEY,
    AUDITORS_PUBLIC_KEY,
    DAY,
    FAMILY_REGION,
    Ledger,
    StoredRows,
    build_ledger,
)

INSIDERS_KEY = Ed25519PrivateKey.generate()
"""A key the insider made: it signs, but it is not the auditors'."""
LONG_AGO = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass
class World:
    """A sealed store: the test ledger, a voided reservation, two families, a visit and its
    correction, the users who made them; the seal's hash kept by the auditor, and a bundle
    exported after the seal."""

    runtime: Runtime
    rows: StoredRows
    ledger: Ledger
    voided: Transfer
    family: UUID
    other_family: UUID
    visit: UUID
    caseworker: UUID
    seal_id: UUID
    kept: str
    bundle: Path


@pytest.fixture
def world(
    runtime: Runtime,
    settings: Settings,
    client: TestClient,
    user_headers: UserFactory,
    tmp_path: Path,
) -> World:
    ledger = build_ledger(runtime)
    with acting_as(ADMIN_ACTOR):
        voided = open_pending_transfer(
            ledger.county,
            ledger.family,
            transfer_id=uuid4(),
            kind=TransferKind.CLAIM_PAYMENT,
            amount_fen=5_000,
            memo="教育助学金",
            occurred_on=DAY + dt.timedelta(days=5),
            cause={"type": "claim", "id": str(uuid4())},
            family_region=FAMILY_REGION,
        )
        runtime.app.save(ledger.county, ledger.family, voided)
        void_pending_transfer(
            voided,
            ledger.county,
            ledger.family,
            voided_on=DAY + dt.timedelta(days=6),
            reason="撤回",
        )
        runtime.app.save(voided, ledger.county, ledger.family)
    caseworker = user_headers("caseworker", "430121")
    family = register_family(client, caseworker)
    other = register_family(client, caseworker, head={**family_head(), "name": "赵桂兰"})
    visit = record_service(client, caseworker, family["id"])
    corrected = client.post(
        f"/api/v1/services/{visit['id']}/corrections",
        json={"reason": "日期记错", "occurred_on": "2025-01-28"},
        headers=caseworker,
    )
    assert corrected.status_code == 201, corrected.text
    seal = seal_with_key(runtime.app, AUDITOR, AUDITORS_KEY)
    summary = export_bundle(runtime.app, tmp_path / "bundle.jsonl.gz")
    world = World(
        runtime=runtime,
        rows=StoredRows(settings),
        ledger=ledger,
        voided=voided,
        family=UUID(family["id"]),
        other_family=UUID(other["id"]),
        visit=UUID(visit["id"]),
        caseworker=UUID(principal_of(runtime, caseworker).user_id),
        seal_id=UUID(seal["id"]),
        kept=seal["seal_hash"],
        bundle=summary.path,
    )
    assert audited(world).ok, audited(world).problems
    assert audited_bundle(world).ok, audited_bundle(world).problems
    return world


def family_head() -> dict[str, Any]:
    return person("赵桂兰", "1952-03-04")


def audited(world: World) -> VerifyReport:
    return verify_ledger(world.runtime.app, public_key=AUDITORS_PUBLIC_KEY, expect_seal=world.kept)


def audited_bundle(world: World) -> VerifyReport:
    return verify_bundle(world.bundle, public_key=AUDITORS_PUBLIC_KEY, expect_seal=world.kept)


def named(report: VerifyReport, aggregate_id: UUID | None, problem: str | None = None) -> bool:
    """The report fails and one of its problems names the aggregate (None: the log or the
    seal chain as a whole) and, if given, the kind of problem."""
    return not report.ok and any(
        p["account_id"] == (None if aggregate_id is None else str(aggregate_id))
        and (problem is None or p["problem"] == problem)
        for p in report.problems
    )


# -- in the store ---------------------------------------------------------------------------------


def rewrite(world: World, aggregate_id: UUID, version: int, **fields: Any) -> None:
    world.rows.rewrite(world.runtime.app, aggregate_id, version, **fields)


def event_of(world: World, aggregate_id: UUID, version: int) -> Any:
    topic, state = world.rows.row(aggregate_id, version)
    return world.runtime.app.mapper.to_domain_event(
        StoredEvent(aggregate_id, version, topic, state)
    )


def entry_rehashed(world: World) -> UUID:
    """The family's last entry redated, and its ledger hash recomputed with the code."""
    account = world.ledger.family.id
    version = world.ledger.family.version
    entry = event_of(world, account, version)
    redated = dt.date(2024, 2, 9)
    entry_hash = ledger_entry_hash(
        account_id=account,
        version=version,
        transfer_id=entry.transfer_id,
        side=entry.side,
        phase=entry.phase,
        amount_fen=entry.amount_fen,
        occurred_on=redated,
        counterparty_id=entry.counterparty_id,
        transfer_digest=entry.transfer_digest,
        previous_hash=entry.previous_hash,
    )
    rewrite(world, account, version, occurred_on=redated, entry_hash=entry_hash)
    return account


def seal_resigned(world: World, key: Ed25519PrivateKey) -> None:
    """The seal's signer changed, its hash recomputed and signed again with `key`."""
    seal = event_of(world, world.seal_id, 1)
    fields = vars(seal)
    public_key = public_key_text(key.public_key())
    seal_hash = signed_seal_hash(
        sequence=fields["sequence"],
        position=fields["position"],
        root_hash=fields["root_hash"],
        accounts=fields["accounts"],
        aggregates=fields["aggregates"],
        touched=[tuple(head) for head in fields["touched"]],
        previous_seal_id=None,
        previous_seal_hash=fields["previous_seal_hash"],
        sealed_at=fields["sealed_at"].isoformat(),
        sealed_by="县计生协 主任",
        sealed_by_id=fields["sealed_by_id"],
        public_key=public_key,
    )
    rewrite(
        world,
        world.seal_id,
        1,
        sealed_by="县计生协 主任",
        seal_hash=seal_hash,
        public_key=public_key,
        signature=sign(key, seal_message(seal_hash)),
    )


def row_appended_as_if_older(world: World) -> UUID:
    """A correction of the visit written in after the seal, dated before it."""
    correction = event_of(world, world.visit, 2)
    vars(correction).update(originator_version=3, timestamp=LONG_AGO, reason="补录")
    stored = world.runtime.app.mapper.to_stored_event(correction)
    world.rows.insert(world.visit, 3, stored.topic, stored.state)
    return world.visit


def family_rows_swapped(world: World) -> UUID:
    _, first = world.rows.row(world.family, 1)
    _, second = world.rows.row(world.other_family, 1)
    world.rows.set_state(world.family, 1, second)
    world.rows.set_state(world.other_family, 1, first)
    return world.family


StoreTampering = Callable[[World], UUID | None]
"""Makes one change to the sealed store; answers the aggregate that must be named (None: the
seal chain as a whole)."""

STORE_CAMPAIGN: dict[str, StoreTampering] = {
    "an entry's timestamp": lambda w: (
        rewrite(w, w.ledger.county.id, 3, timestamp=LONG_AGO),
        w.ledger.county.id,
    )[1],
    "an entry's acting user": lambda w: (
        rewrite(w, w.ledger.county.id, 3, actor_id="admin-2", actor_name="县计生协 出纳"),
        w.ledger.county.id,
    )[1],
    "who posted a claim's payment": lambda w: (
        rewrite(w, w.ledger.claim.id, 2, actor_id="auditor-9", actor_name="另一人"),
        w.ledger.claim.id,
    )[1],
    "an opening's timestamp": lambda w: (
        rewrite(w, w.ledger.city.id, 1, timestamp=LONG_AGO),
        w.ledger.city.id,
    )[1],
    "a void's reason": lambda w: (rewrite(w, w.voided.id, 2, reason="重复申请"), w.voided.id)[1],
    "a reversal's reversed_on": lambda w: (
        rewrite(w, w.ledger.payment.id, 2, reversed_on=dt.date(2024, 3, 1)),
        w.ledger.payment.id,
    )[1],
    "an entry redated with its ledger hash recomputed": entry_rehashed,
    "a seal's signer": lambda w: (rewrite(w, w.seal_id, 1, sealed_by="县计生协 主任"), w.seal_id)[
        1
    ],
    "a seal re-signed with the insider's key": lambda w: (
        seal_resigned(w, INSIDERS_KEY),
        w.seal_id,
    )[1],
    "a seal's signature removed": lambda w: (rewrite(w, w.seal_id, 1, signature=None), w.seal_id)[
        1
    ],
    "the latest seal deleted": lambda w: (w.rows.delete(w.seal_id, 1), None)[1],
    "a family record altered": lambda w: (
        rewrite(w, w.family, 1, address="长沙县星沙街道"),
        w.family,
    )[1],
    "two families' records swapped": family_rows_swapped,
    "a visit changed": lambda w: (rewrite(w, w.visit, 1, summary="电话问候"), w.visit)[1],
    "a visit's recorder changed": lambda w: (
        rewrite(w, w.visit, 1, actor_id="someone", actor_name="别人"),
        w.visit,
    )[1],
    "a correction deleted": lambda w: (w.rows.delete(w.visit, 2), w.visit)[1],
    "a row written in afterwards as if older": row_appended_as_if_older,
    "a user's role raised": lambda w: (rewrite(w, w.caseworker, 1, role="admin"), w.caseworker)[1],
}


@pytest.mark.parametrize("kind", list(STORE_CAMPAIGN))
def test_every_insider_change_to_a_sealed_store_is_found_and_named(world: World, kind: str) -> None:
    culprit = STORE_CAMPAIGN[kind](world)

    report = audited(world)

    assert named(report, culprit), (kind, report.problems)


# -- in bundles ----------------------------------------------------------------------------------


def read_lines(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> None:
    """As the exporter writes them, with the end line's counts and hash recomputed: what an
    insider with the code would do."""
    digest = LinesDigest()
    body = [line for line in lines if line.get("section") != "end"]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for item in body:
            text = encode_line(item)
            digest.add(text)
            handle.write(text + "\n")
        events = sum(1 for line in body if line.get("section") == "event")
        seals = sum(1 for line in body if line.get("section") == "seal")
        end = {"section": "end", "events": events, "seals": seals, "sha256": digest.hexdigest()}
        handle.write(encode_line(end) + "\n")


def line_of(lines: list[dict[str, Any]], aggregate_id: UUID, version: int) -> dict[str, Any]:
    return next(
        line
        for line in lines
        if line.get("section") == "event"
        and line["originator_id"] == str(aggregate_id)
        and line["originator_version"] == version
    )


def seal_line(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return next(line for line in lines if line.get("section") == "seal")


def in_bundle(change: Callable[[World, list[dict[str, Any]]], UUID | None]) -> StoreTampering:
    def tamper(world: World) -> UUID | None:
        lines = read_lines(world.bundle)
        culprit = change(world, lines)
        write_lines(world.bundle, lines)
        return culprit

    return tamper


def _set(line: dict[str, Any], **fields: Any) -> None:
    """A line's fields changed as the insider with the code would: in the stored payload,
    which the hashes cover, and in its readable copy."""
    line["state"].update(fields)
    payload = json.loads(line["payload"])
    for name, value in fields.items():
        if isinstance(payload[name], dict) and "_data_" in payload[name]:
            payload[name]["_data_"] = value
        else:
            payload[name] = value
    line["payload"] = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _family_digest(world: World, lines: list[dict[str, Any]]) -> UUID:
    line = line_of(lines, world.family, 1)
    line["digest"] = payload_digest(b'{"forged":true}')
    return world.family


def _drop_seal(world: World, lines: list[dict[str, Any]]) -> None:
    lines.remove(seal_line(lines))
    lines.remove(line_of(lines, world.seal_id, 1))
    lines[0]["seals"] = 0
    lines[0]["last_seal_hash"] = None


def _insiders_signature(world: World, lines: list[dict[str, Any]]) -> UUID:
    for line in (seal_line(lines), line_of(lines, world.seal_id, 1)):
        state = line["state"]
        state["public_key"] = public_key_text(INSIDERS_KEY.public_key())
        state["signature"] = sign(INSIDERS_KEY, seal_message(state["seal_hash"]))
    return world.seal_id


BUNDLE_CAMPAIGN: dict[str, StoreTampering] = {
    "an entry's timestamp": in_bundle(
        lambda w, lines: (
            _set(line_of(lines, w.ledger.county.id, 3), timestamp=LONG_AGO.isoformat()),
            w.ledger.county.id,
        )[1]
    ),
    "an entry's acting user": in_bundle(
        lambda w, lines: (
            _set(line_of(lines, w.ledger.county.id, 3), actor_name="县计生协 出纳"),
            w.ledger.county.id,
        )[1]
    ),
    "a void's reason": in_bundle(
        lambda w, lines: (_set(line_of(lines, w.voided.id, 2), reason="重复申请"), w.voided.id)[1]
    ),
    "a reversal's reversed_on": in_bundle(
        lambda w, lines: (
            _set(line_of(lines, w.ledger.payment.id, 2), reversed_on="2024-03-01"),
            w.ledger.payment.id,
        )[1]
    ),
    "a family record's digest": in_bundle(_family_digest),
    "an amount's readable copy, not its payload": in_bundle(
        lambda w, lines: (
            line_of(lines, w.ledger.county.id, 3)["state"].update(amount_fen=5),
            w.ledger.county.id,
        )[1]
    ),
    "a seal's signer": in_bundle(
        lambda w, lines: (_set(seal_line(lines), sealed_by="县计生协 主任"), w.seal_id)[1]
    ),
    "a seal re-signed with the insider's key": in_bundle(_insiders_signature),
    "the seal dropped": in_bundle(lambda w, lines: (_drop_seal(w, lines), None)[1]),
    "the header's position": in_bundle(
        lambda w, lines: (lines[0].update(position=lines[0]["position"] - 1), None)[1]
    ),
}


@pytest.mark.parametrize("kind", list(BUNDLE_CAMPAIGN))
def test_every_insider_change_to_a_bundle_is_found_and_named(world: World, kind: str) -> None:
    culprit = BUNDLE_CAMPAIGN[kind](world)

    report = audited_bundle(world)

    assert named(report, culprit), (kind, report.problems)


def test_a_bundle_edited_without_recomputing_its_line_hash_is_found(world: World) -> None:
    lines = read_lines(world.bundle)
    lines[0]["exported_at"] = LONG_AGO.isoformat()
    with gzip.open(world.bundle, "wt", encoding="utf-8") as handle:
        handle.writelines(encode_line(line) + "\n" for line in lines)

    report = audited_bundle(world)

    assert named(report, None, "changed")
    assert "end line" in report.problems[0]["detail"] or any(
        "end line" in p["detail"] for p in report.problems
    )


def test_the_campaign_covers_every_kind_of_change_in_the_issue() -> None:
    """Timestamps, actors, reasons, reversed_on, sealed_by, seals deleted or redone, case
    records: each has its case, in the store and in bundles."""
    store = " ".join(STORE_CAMPAIGN)
    bundle = " ".join(BUNDLE_CAMPAIGN)
    for word in ("timestamp", "acting user", "reason", "reversed_on", "signer", "seal"):
        assert word in store, word
        assert word in bundle, word
    for word in ("visit", "correction", "family"):
        assert word in store, word
    assert len(STORE_CAMPAIGN) + len(BUNDLE_CAMPAIGN) >= 25
