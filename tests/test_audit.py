"""The auditor's tools on both backends: verify, seals, bundles, replay — and tampering with
the stored rows directly in the database, as someone with database access but without the
cipher key could (a changed byte, a deleted row, a row swapped in from another account), and
as someone who also holds the key could (a field of an event rewritten)."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import IntegrityError, StoredEvent
from fastapi.testclient import TestClient
from psycopg import sql

from api.app import create_app
from api.cli_audit import audit
from api.routes.audit import router as audit_router
from api.runtime import Runtime
from application.app import Nuanxin
from application.audit.bundle import export_bundle, verify_bundle
from application.audit.bundle_file import BundleError
from application.audit.checker import LedgerChecker
from application.audit.records import ENTRY_RECORDED
from application.audit.replay import replay_balances, replay_ledger
from application.audit.report import VerifyReport
from application.audit.seals import LedgerNotVerifiedError, list_seals, seal_with_key
from application.audit.store import stored_records
from application.audit.verify import verify_ledger
from application.errors import PermissionDeniedError
from application.principal import Principal
from domain.actor import Actor, acting_as
from domain.event_chain import GENESIS_HASH, event_chain_hash, log_root_hash, payload_digest
from domain.ledger.account import Account
from domain.ledger.operations import (
    open_pending_transfer,
    post_pending_transfer,
    record_transfer,
    reverse_transfer,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import FundSource, Programme, TransferKind
from domain.seal import (
    GENESIS_SEAL_HASH,
    LedgerSeal,
    SealOutOfOrderError,
    SealOvertakenError,
    SealTerms,
)
from domain.values import Role
from infrastructure.seal_keys import public_key_text, sign, signature_verifies
from infrastructure.settings import Settings
from projections.ledger import LedgerProjection, LedgerQuery
from tests.conftest import POSTGRES_URL, UserFactory
from tests.steps import command_environment

DAY = dt.date(2024, 2, 8)
FAMILY_REGION = "430121101001"
ADMIN_ACTOR = Actor(user_id="admin-1", name="县计生协 财务 王会计", role="admin")
ADMIN = Principal(user_id="admin-1", name="县计生协 财务 王会计", role=Role.ADMIN, region_code=None)
AUDITOR = Principal(user_id="auditor-1", name="审计 李审计", role=Role.AUDITOR, region_code=None)

AUDITORS_KEY = Ed25519PrivateKey.generate()
"""The auditors' seal key for these tests (the private half only ever on the auditor's side)."""
AUDITORS_PUBLIC_KEY = public_key_text(AUDITORS_KEY.public_key())


def seal_ledger(app: Nuanxin, principal: Principal) -> dict[str, Any]:
    return seal_with_key(app, principal, AUDITORS_KEY)


LEDGER_EVENTS = 23
"""Rows of the ledger built below: accounts 2 + 3 + 6 + 5, transfers 1 + 1 + 2 + 1 + 2."""
LOG_EVENTS = LEDGER_EVENTS + 1
"""And the store's resident-index key marker: verification chains every event of the log."""


@dataclass
class Ledger:
    donor: Account
    city: Account
    county: Account
    family: Account
    receipt: Transfer
    allocation: Transfer
    payment: Transfer
    reversal: Transfer
    claim: Transfer


def build_ledger(runtime: Runtime) -> Ledger:
    """A donation received by the city fund, allocated down to the county, a visit's payment
    to a family and its reversal, and a claim reserved and then paid. Versions:
    donor 1-2, city 1-3, county 1-6, family 1-5; each transfer's save is one atomic save."""
    app = runtime.app
    with acting_as(ADMIN_ACTOR):
        donor = Account.open_external("中国人口福利基金会")
        city = Account.open_fund(
            uuid4(),
            name="长沙市暖心行动（基金会捐赠）",
            source=FundSource.FOUNDATION_DONATION,
            programme=Programme.WARM_HEART,
            region_code="430100",
        )
        county = Account.open_fund(
            uuid4(),
            name="长沙县暖心行动（基金会捐赠）",
            source=FundSource.FOUNDATION_DONATION,
            programme=Programme.WARM_HEART,
            region_code="430121",
        )
        family = Account.open_beneficiary(uuid4())
        receipt = record_transfer(
            donor,
            city,
            transfer_id=uuid4(),
            kind=TransferKind.RECEIPT,
            amount_fen=1_000_000,
            memo="2024 暖心行动捐赠",
            occurred_on=DAY,
            cause={"type": "receipt", "reference": "JJH-2024-017"},
        )
        app.save(donor, city, receipt)
        allocation = record_transfer(
            city,
            county,
            transfer_id=uuid4(),
            kind=TransferKind.ALLOCATION,
            amount_fen=300_000,
            memo="下拨长沙县",
            occurred_on=DAY + dt.timedelta(days=1),
            cause={"type": "allocation"},
        )
        app.save(city, county, allocation)
        payment = record_transfer(
            county,
            family,
            transfer_id=uuid4(),
            kind=TransferKind.SERVICE_PAYMENT,
            amount_fen=50_000,
            memo="春节慰问金",
            occurred_on=DAY + dt.timedelta(days=2),
            cause={"type": "service", "id": str(uuid4())},
            family_region=FAMILY_REGION,
        )
        app.save(county, family, payment)
        reversal = reverse_transfer(
            payment,
            family,
            county,
            memo="服务记录作废",
            reversed_on=DAY + dt.timedelta(days=3),
        )
        app.save(payment, reversal, family, county)
        claim = open_pending_transfer(
            county,
            family,
            transfer_id=uuid4(),
            kind=TransferKind.CLAIM_PAYMENT,
            amount_fen=20_000,
            memo="住院护理补贴",
            occurred_on=DAY + dt.timedelta(days=4),
            cause={"type": "claim", "id": str(uuid4())},
            family_region=FAMILY_REGION,
        )
        app.save(county, family, claim)
        post_pending_transfer(claim, county, family, posted_on=DAY + dt.timedelta(days=10))
        app.save(claim, county, family)
    return Ledger(donor, city, county, family, receipt, allocation, payment, reversal, claim)


class StoredRows:
    """The event table, reached with SQL and no cipher key."""

    def __init__(self, settings: Settings, *, snapshots: bool = False) -> None:
        self.settings = settings
        self.sqlite_table = "stored_snapshots" if snapshots else "stored_events"
        self.postgres_table = "nuanxin_snapshots" if snapshots else "nuanxin_events"

    def _execute(self, sqlite_statement: str, postgres_statement: str, *params: Any) -> list[Any]:
        if self.settings.uses_postgres:
            table = sql.Identifier(self.settings.database_schema, self.postgres_table)
            statement = sql.SQL(postgres_statement).format(table=table)
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                cursor = conn.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        connection = sqlite3.connect(self.settings.data_dir / "events.sqlite3", timeout=30)
        try:
            with connection:
                statement = sqlite_statement.replace("stored_events", self.sqlite_table)
                rows = connection.execute(statement, params).fetchall()
            return rows
        finally:
            connection.close()

    def _id(self, aggregate_id: UUID) -> Any:
        return aggregate_id if self.settings.uses_postgres else aggregate_id.hex

    def row(self, aggregate_id: UUID, version: int) -> tuple[str, bytes]:
        rows = self._execute(
            "SELECT topic, state FROM stored_events "
            "WHERE originator_id = ? AND originator_version = ?",
            "SELECT topic, state FROM {table} WHERE originator_id = %s AND originator_version = %s",
            self._id(aggregate_id),
            version,
        )
        assert len(rows) == 1, f"no row {aggregate_id} v{version}"
        return str(rows[0][0]), bytes(rows[0][1])

    def set_state(self, aggregate_id: UUID, version: int, state: bytes) -> None:
        self._execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
            "UPDATE {table} SET state = %s WHERE originator_id = %s AND originator_version = %s",
            state,
            self._id(aggregate_id),
            version,
        )

    def delete(self, aggregate_id: UUID, version: int) -> None:
        self._execute(
            "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?",
            "DELETE FROM {table} WHERE originator_id = %s AND originator_version = %s",
            self._id(aggregate_id),
            version,
        )

    def rewrite(self, app: Nuanxin, aggregate_id: UUID, version: int, **fields: Any) -> None:
        """Decodes the row with the application's key, gives its event other `fields` and
        stores it encoded with the same key again."""
        topic, state = self.row(aggregate_id, version)
        event = app.mapper.to_domain_event(StoredEvent(aggregate_id, version, topic, state))
        vars(event).update(fields)
        self.set_state(aggregate_id, version, app.mapper.to_stored_event(event).state)

    def insert(self, aggregate_id: UUID, version: int, topic: str, state: bytes) -> None:
        self._execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            "INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            self._id(aggregate_id),
            version,
            topic,
            state,
        )


@pytest.fixture
def ledger(runtime: Runtime) -> Ledger:
    return build_ledger(runtime)


@pytest.fixture
def rows(settings: Settings) -> StoredRows:
    return StoredRows(settings)


def first_problem(report: VerifyReport) -> dict[str, Any]:
    assert not report.ok
    assert report.problems, report
    return report.problems[0]


def names(problem: dict[str, Any], aggregate_id: UUID, version: int, kind: str) -> bool:
    return (problem["account_id"], problem["version"], problem["problem"]) == (
        str(aggregate_id),
        version,
        kind,
    )


# -- verify on an untouched ledger --------------------------------------------------------------


def test_an_untouched_ledger_verifies_every_event(runtime: Runtime, ledger: Ledger) -> None:
    report = verify_ledger(runtime.app)

    assert report.to_dict() == {"ok": True, "checked": LOG_EVENTS, "problems": []}
    assert report.position == runtime.app.recorder.max_notification_id()


def test_debits_equal_credits_at_every_business_date(runtime: Runtime, ledger: Ledger) -> None:
    for days in range(12):
        totals = replay_ledger(runtime.app, DAY + dt.timedelta(days=days)).totals
        assert totals["posted_debits"] == totals["posted_credits"]
        assert totals["pending_debits"] == totals["pending_credits"]
    assert replay_ledger(runtime.app).totals["posted_debits"] == (
        1_000_000 + 300_000 + 50_000 * 2 + 20_000
    )


def test_verify_names_a_balance_that_the_view_does_not_share(
    runtime: Runtime, ledger: Ledger
) -> None:
    report = verify_ledger(runtime.app, {ledger.city.id: 700_000, ledger.county.id: 280_001})

    problem = first_problem(report)
    assert names(problem, ledger.county.id, 6, "balance_mismatch")
    assert len(report.problems) == 1


# -- tampering ------------------------------------------------------------------------------------


def test_a_changed_byte_is_found_at_its_account_and_version(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    _, state = rows.row(ledger.county.id, 3)
    middle = len(state) // 2
    rows.set_state(
        ledger.county.id, 3, state[:middle] + bytes([state[middle] ^ 1]) + state[middle + 1 :]
    )

    problem = first_problem(verify_ledger(runtime.app))

    assert names(problem, ledger.county.id, 3, "changed")
    assert "does not decode" in problem["detail"]


def test_a_deleted_middle_row_is_found(runtime: Runtime, ledger: Ledger, rows: StoredRows) -> None:
    rows.delete(ledger.county.id, 3)

    problem = first_problem(verify_ledger(runtime.app))

    assert names(problem, ledger.county.id, 3, "deleted")


def test_a_deleted_last_row_of_an_account_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """No gap shows; the claim's payment implies a credit on the family that is not there."""
    rows.delete(ledger.family.id, 5)

    report = verify_ledger(runtime.app)

    assert names(first_problem(report), ledger.family.id, 5, "deleted")
    assert report.checked == LOG_EVENTS - 1


def test_a_deleted_last_row_of_a_transfer_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    rows.delete(ledger.claim.id, 2)

    problem = first_problem(verify_ledger(runtime.app))

    assert names(problem, ledger.claim.id, 2, "deleted")
    assert problem["aggregate"] == "transfer"


def test_a_row_copied_over_another_accounts_row_of_the_same_version_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """It decrypts (one key for all rows) but its hash was made for the other account."""
    _, city_entry = rows.row(ledger.city.id, 2)
    rows.set_state(ledger.county.id, 2, city_entry)

    problem = first_problem(verify_ledger(runtime.app))

    assert names(problem, ledger.county.id, 2, "changed")


def test_a_row_from_another_account_inserted_as_a_new_version_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    topic, city_debit = rows.row(ledger.city.id, 3)
    rows.insert(ledger.family.id, 6, topic, city_debit)

    report = verify_ledger(runtime.app)

    assert names(first_problem(report), ledger.family.id, 6, "inserted")
    assert report.checked == LOG_EVENTS + 1


def test_a_row_moved_to_another_version_of_its_account_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    topic, entry = rows.row(ledger.county.id, 2)
    rows.insert(ledger.county.id, 7, topic, entry)

    assert names(first_problem(verify_ledger(runtime.app)), ledger.county.id, 7, "inserted")


def test_an_external_opening_copied_over_a_funds_opening_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """The donor's opening decrypts, but its hash was made for the donor's id."""
    _, donor_opening = rows.row(ledger.donor.id, 1)
    rows.set_state(ledger.city.id, 1, donor_opening)

    assert names(first_problem(verify_ledger(runtime.app)), ledger.city.id, 1, "changed")


def test_openings_swapped_between_two_funds_are_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """Two funds of one kind, source and programme: the swap would give each the other's name
    and region. Each account's chain starts from a hash of its own opening."""
    _, city_opening = rows.row(ledger.city.id, 1)
    _, county_opening = rows.row(ledger.county.id, 1)
    rows.set_state(ledger.city.id, 1, county_opening)
    rows.set_state(ledger.county.id, 1, city_opening)

    report = verify_ledger(runtime.app)

    assert names(first_problem(report), ledger.city.id, 1, "changed")
    assert [(p["account_id"], p["version"], p["problem"]) for p in report.problems] == [
        (str(ledger.city.id), 1, "changed"),
        (str(ledger.county.id), 1, "changed"),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("memo", "下拨长沙县（挪作他用）"), ("cause", {"type": "allocation", "id": "forged"})],
)
def test_a_transfers_memo_or_cause_rewritten_with_the_key_is_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows, field: str, value: Any
) -> None:
    """The row is re-encrypted, so it decodes; but both of the transfer's entries carry the
    digest of the terms it was recorded with."""
    rows.rewrite(runtime.app, ledger.allocation.id, 1, **{field: value})

    report = verify_ledger(runtime.app)

    problem = first_problem(report)
    assert names(problem, ledger.allocation.id, 1, "changed")
    assert problem["aggregate"] == "transfer"
    assert "terms" in problem["detail"]
    assert len(report.problems) == 1


def test_transfer_rows_swapped_between_two_alike_transfers_are_found(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """Same accounts, same amount: only the dates tell the two payments apart."""
    payments = []
    with acting_as(ADMIN_ACTOR):
        for days in (5, 6):
            payment = record_transfer(
                ledger.county,
                ledger.family,
                transfer_id=uuid4(),
                kind=TransferKind.SERVICE_PAYMENT,
                amount_fen=10_000,
                memo="端午慰问金",
                occurred_on=DAY + dt.timedelta(days=days),
                cause={"type": "service", "id": str(uuid4())},
                family_region=FAMILY_REGION,
            )
            runtime.app.save(ledger.county, ledger.family, payment)
            payments.append(payment)
    (_, first), (_, second) = rows.row(payments[0].id, 1), rows.row(payments[1].id, 1)
    rows.set_state(payments[0].id, 1, second)
    rows.set_state(payments[1].id, 1, first)

    report = verify_ledger(runtime.app)

    assert names(first_problem(report), payments[0].id, 1, "changed")
    assert first_problem(report)["aggregate"] == "transfer"


def test_a_snapshot_copied_in_from_another_account_is_found(
    runtime: Runtime, settings: Settings
) -> None:
    """Accounts load from their latest snapshot: one swapped in would lend an account another
    account's balances. Both accounts here reach version 200, where they are snapshotted."""
    app = runtime.app
    with acting_as(ADMIN_ACTOR):
        treasury = Account.open_external("省财政厅")
        fund = Account.open_fund(
            uuid4(),
            name="湖南省生育关怀基金",
            source=FundSource.FERTILITY_CARE_FUND,
            programme=Programme.HARDSHIP_GRANT,
            region_code="430000",
        )
        for number in range(200):
            receipt = record_transfer(
                treasury,
                fund,
                transfer_id=uuid4(),
                kind=TransferKind.RECEIPT,
                amount_fen=10_000 + number,
                memo=f"拨款 {number}",
                occurred_on=DAY,
                cause={"type": "receipt"},
            )
            app.save(treasury, fund, receipt)
    assert verify_ledger(app).ok
    snapshots = StoredRows(settings, snapshots=True)
    _, treasury_snapshot = snapshots.row(treasury.id, 200)
    snapshots.set_state(fund.id, 200, treasury_snapshot)

    problem = first_problem(verify_ledger(app))

    assert names(problem, fund.id, 200, "changed")
    assert problem["aggregate"] == "snapshot"
    assert "posted_credits" in problem["detail"]


# -- seals ----------------------------------------------------------------------------------------


def test_seals_chain_and_the_ledger_still_verifies(runtime: Runtime, ledger: Ledger) -> None:
    first = seal_ledger(runtime.app, AUDITOR)
    second = seal_ledger(runtime.app, AUDITOR)

    assert first["sequence"] == 1
    assert first["previous_seal_hash"] == GENESIS_SEAL_HASH
    assert first["accounts"] == 4
    assert (second["previous_seal_id"], second["previous_seal_hash"]) == (
        first["id"],
        first["seal_hash"],
    )
    assert second["position"] > first["position"]
    assert [seal["id"] for seal in list_seals(runtime.app)] == [first["id"], second["id"]]
    report = verify_ledger(runtime.app)
    assert report.to_dict() == {"ok": True, "checked": LOG_EVENTS + 2, "problems": []}
    assert report.last_seal_hash == second["seal_hash"]


def test_a_seals_root_hash_is_the_pure_function_of_every_aggregates_chain_head(
    runtime: Runtime, ledger: Ledger
) -> None:
    seal = seal_ledger(runtime.app, AUDITOR)

    heads: dict[str, tuple[int, str]] = {}
    for record in stored_records(runtime.app, (), stop=seal["position"]):
        assert record.payload is not None
        _, previous = heads.get(record.originator_id, (0, GENESIS_HASH))
        chained = event_chain_hash(
            previous,
            record.originator_id,
            record.originator_version,
            record.topic,
            payload_digest(record.payload.encode("utf-8")),
        )
        heads[record.originator_id] = (record.originator_version, chained)
    assert seal["aggregates"] == len(heads) == 4 + 5 + 1  # and the index key marker
    assert seal["root_hash"] == log_root_hash(
        [(key, version, head) for key, (version, head) in heads.items()], seal["position"]
    )


def test_a_whole_transaction_deleted_before_the_seal_is_found_by_the_seal_and_named(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    """The claim's posting is the last row of the claim, the county and the family: with all
    three gone every ledger chain, match and total still holds; the seal, which lists the heads
    of the aggregates that changed, names all three."""
    seal = seal_ledger(runtime.app, AUDITOR)
    rows.delete(ledger.claim.id, 2)
    rows.delete(ledger.county.id, 6)
    rows.delete(ledger.family.id, 5)

    report = verify_ledger(runtime.app)

    found = {(p["account_id"], p["version"], p["problem"]) for p in report.problems}
    assert found == {
        (str(ledger.claim.id), 2, "deleted"),
        (str(ledger.county.id), 6, "deleted"),
        (str(ledger.family.id), 5, "deleted"),
        (seal["id"], 1, "seal_mismatch"),
    }


def test_a_changed_seal_breaks_the_chain(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    first = seal_ledger(runtime.app, AUDITOR)
    seal_ledger(runtime.app, AUDITOR)
    rows.delete(UUID(first["id"]), 1)

    report = verify_ledger(runtime.app)

    assert any(
        names(problem, UUID(first["id"]), 1, "deleted") and problem["aggregate"] == "seal"
        for problem in report.problems
    )


def test_concurrent_seals_form_one_chain(runtime: Runtime, ledger: Ledger) -> None:
    errors: list[BaseException] = []

    def seal() -> None:
        try:
            seal_ledger(runtime.app, AUDITOR)
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=seal) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seals = list_seals(runtime.app)
    assert [seal["sequence"] for seal in seals] == [1, 2, 3, 4]
    for before, after in itertools.pairwise(seals):
        assert after["previous_seal_hash"] == before["seal_hash"]
    assert verify_ledger(runtime.app).ok


def seal_terms(sequence: int, position: int, previous: LedgerSeal | None = None) -> SealTerms:
    return SealTerms(
        sequence=sequence,
        position=position,
        root_hash="a" * 64,
        accounts=0,
        aggregates=0,
        touched=(),
        previous_seal_id=None if previous is None else str(previous.id),
        previous_seal_hash=GENESIS_SEAL_HASH if previous is None else previous.seal_hash,
        sealed_at=dt.datetime.now(dt.UTC).isoformat(),
        sealed_by="auditor",
        sealed_by_id="auditor-1",
        public_key=public_key_text(AUDITORS_KEY.public_key()),
    )


def closed(terms: SealTerms, previous: LedgerSeal | None = None) -> LedgerSeal:
    signature = sign(AUDITORS_KEY, terms.message())
    return LedgerSeal.close_period(
        previous=previous, terms=terms, signature=signature, check=signature_verifies
    )


def test_a_draft_made_before_a_concurrent_seal_is_overtaken_though_it_covers_less() -> None:
    first = closed(seal_terms(1, position=10))

    with pytest.raises(SealOvertakenError):
        closed(seal_terms(1, position=8), previous=first)


def test_the_next_seal_covers_at_least_what_the_seal_before_it_covered() -> None:
    first = closed(seal_terms(1, position=10))

    with pytest.raises(SealOutOfOrderError):
        closed(seal_terms(2, position=8, previous=first), previous=first)


def test_two_seals_after_the_same_predecessor_cannot_both_be_stored(runtime: Runtime) -> None:
    terms = seal_terms(1, position=1)
    signature = sign(AUDITORS_KEY, terms.message())

    def seal() -> LedgerSeal:
        return LedgerSeal.close_period(
            previous=None, terms=terms, signature=signature, check=signature_verifies
        )

    runtime.app.save(seal())
    with pytest.raises(IntegrityError):
        runtime.app.save(seal())


def test_only_auditors_seal_and_a_ledger_that_fails_is_not_sealed(
    runtime: Runtime, ledger: Ledger, rows: StoredRows
) -> None:
    with pytest.raises(PermissionDeniedError):
        seal_ledger(runtime.app, ADMIN)
    rows.delete(ledger.county.id, 3)
    with pytest.raises(LedgerNotVerifiedError, match="deleted"):
        seal_ledger(runtime.app, AUDITOR)
    assert list_seals(runtime.app) == []


# -- bundles --------------------------------------------------------------------------------------


def read_bundle(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_bundle(path: Path, lines: list[dict[str, Any]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def test_an_exported_bundle_verifies_offline(
    runtime: Runtime, ledger: Ledger, tmp_path: Path
) -> None:
    seal = seal_ledger(runtime.app, AUDITOR)
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl.gz")

    assert (summary.events, summary.seals) == (LOG_EVENTS + 1, 1)
    lines = read_bundle(summary.path)
    assert lines[0]["format"] == "nuanxin-ledger-bundle"
    entry = next(
        line
        for line in lines
        if line.get("originator_id") == str(ledger.county.id)
        and line.get("originator_version") == 3
    )
    assert entry["state"]["amount_fen"] == 50_000
    assert entry["topic"] == ENTRY_RECORDED
    report = verify_bundle(summary.path, public_key=AUDITORS_PUBLIC_KEY)
    assert report.to_dict() == {"ok": True, "checked": LOG_EVENTS + 1, "problems": []}
    assert report.last_seal_hash == seal["seal_hash"]


def test_a_bundle_edited_on_disk_does_not_verify(
    runtime: Runtime, ledger: Ledger, tmp_path: Path
) -> None:
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl.gz")
    lines = read_bundle(summary.path)
    for line in lines:
        if line.get("originator_id") == str(ledger.county.id) and (
            line.get("originator_version") == 3
        ):
            line["state"]["amount_fen"] = 5_000
    write_bundle(summary.path, lines)

    assert names(first_problem(verify_bundle(summary.path)), ledger.county.id, 3, "changed")


@pytest.mark.parametrize(
    ("what", "field", "value"),
    [("county", "region_code", "430124"), ("allocation", "memo", "下拨望城区")],
)
def test_an_opening_or_a_memo_edited_in_a_bundle_does_not_verify(
    runtime: Runtime, ledger: Ledger, tmp_path: Path, what: str, field: str, value: str
) -> None:
    aggregate_id = getattr(ledger, what).id
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl.gz")
    lines = read_bundle(summary.path)
    for line in lines:
        if line.get("originator_id") == str(aggregate_id) and line.get("originator_version") == 1:
            line["state"][field] = value
    write_bundle(summary.path, lines)

    assert names(first_problem(verify_bundle(summary.path)), aggregate_id, 1, "changed")


def test_a_bundle_of_an_earlier_format_is_refused(
    runtime: Runtime, ledger: Ledger, tmp_path: Path
) -> None:
    """Its openings and entries lack the hashes this verifier recomputes."""
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl.gz")
    lines = read_bundle(summary.path)
    lines[0]["format_version"] = 1
    write_bundle(summary.path, lines)

    with pytest.raises(BundleError, match="format version 1"):
        verify_bundle(summary.path)


def test_a_bundle_cut_short_does_not_verify(
    runtime: Runtime, ledger: Ledger, tmp_path: Path
) -> None:
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl.gz")
    write_bundle(summary.path, read_bundle(summary.path)[:-4])

    assert not verify_bundle(summary.path).ok


def test_the_same_checker_serves_the_store_and_the_bundle(
    runtime: Runtime, ledger: Ledger, rows: StoredRows, tmp_path: Path
) -> None:
    """A row undecodable in the store is exported without state, and found in the bundle."""
    _, state = rows.row(ledger.family.id, 2)
    rows.set_state(ledger.family.id, 2, state[:-1] + bytes([state[-1] ^ 1]))
    summary = export_bundle(runtime.app, tmp_path / "ledger.jsonl")

    online, offline = verify_ledger(runtime.app), verify_bundle(summary.path)

    assert online.problems == offline.problems
    assert names(online.problems[0], ledger.family.id, 2, "changed")
    assert isinstance(LedgerChecker().finish(), VerifyReport)


# -- replay ---------------------------------------------------------------------------------------


def fund_row(funds: list[dict[str, Any]], account: Account) -> dict[str, Any]:
    return next(fund for fund in funds if fund["fund_id"] == str(account.id))


def test_replay_as_of_a_date_leaves_out_later_entries(runtime: Runtime, ledger: Ledger) -> None:
    on_receipt_day = replay_balances(runtime.app, DAY)
    assert fund_row(on_receipt_day, ledger.city)["posted"] == 1_000_000
    assert fund_row(on_receipt_day, ledger.county)["posted"] == 0

    while_reserved = replay_balances(runtime.app, DAY + dt.timedelta(days=5))
    county = fund_row(while_reserved, ledger.county)
    assert (county["posted"], county["pending"], county["available"]) == (300_000, 20_000, 280_000)
    assert county["name"] == "长沙县暖心行动（基金会捐赠）"
    assert (county["source"], county["programme"], county["region_code"]) == (
        "foundation_donation",
        "warm_heart",
        "430121",
    )

    after_payment = replay_balances(runtime.app, DAY + dt.timedelta(days=10))
    county = fund_row(after_payment, ledger.county)
    assert (county["posted"], county["pending"], county["available"]) == (280_000, 0, 280_000)
    assert {fund["fund_id"] for fund in after_payment} == {
        str(ledger.city.id),
        str(ledger.county.id),
    }


def test_replayed_balances_equal_the_projected_ones(runtime: Runtime, ledger: Ledger) -> None:
    runtime.reads_of(LedgerProjection.name).wait_until_current()
    projected = {
        balance.fund_id: (balance.posted_fen, balance.pending_fen)
        for balance in runtime.ledger.fund_balances(LedgerQuery())
    }

    replayed = {
        fund["fund_id"]: (fund["posted"], fund["pending"]) for fund in replay_balances(runtime.app)
    }

    assert replayed == projected


# -- HTTP -----------------------------------------------------------------------------------------


@pytest.fixture
def audit_client(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime=runtime)
    app.include_router(audit_router, prefix="/api/v1")
    with TestClient(app) as test_client:
        yield test_client


def test_verify_over_http_answers_200_whatever_it_finds(
    audit_client: TestClient, user_headers: UserFactory, ledger: Ledger, rows: StoredRows
) -> None:
    auditor = user_headers("auditor", None)
    answer = audit_client.get("/api/v1/ledger/verify", headers=auditor)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "checked": answer.json()["checked"], "problems": []}
    assert answer.json()["checked"] > LEDGER_EVENTS  # the users' events are chained too

    rows.delete(ledger.county.id, 3)
    answer = audit_client.get("/api/v1/ledger/verify", headers=user_headers("admin", None))

    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is False
    assert names(body["problems"][0], ledger.county.id, 3, "deleted")


def signed_draft(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """What an auditor's machine does: fetch the draft, sign its message, answer the body."""
    draft = client.get(
        "/api/v1/ledger/seals/draft", params={"public_key": AUDITORS_PUBLIC_KEY}, headers=headers
    )
    assert draft.status_code == 200, draft.text
    body = draft.json()
    return {
        "position": body["position"],
        "sealed_at": body["sealed_at"],
        "public_key": body["public_key"],
        "signature": sign(AUDITORS_KEY, body["message"].encode("utf-8")),
    }


def test_seals_over_http(
    audit_client: TestClient, user_headers: UserFactory, ledger: Ledger
) -> None:
    auditor = user_headers("auditor", None)
    signed = signed_draft(audit_client, auditor)
    headers = {**auditor, "Idempotency-Key": "k1"}
    created = audit_client.post("/api/v1/ledger/seals", json=signed, headers=headers)
    assert created.status_code == 201, created.text
    seal = created.json()
    assert seal["sequence"] == 1
    assert len(seal["root_hash"]) == 64
    assert seal["public_key"] == AUDITORS_PUBLIC_KEY

    again = audit_client.post("/api/v1/ledger/seals", json=signed, headers=headers)
    assert (again.status_code, again.json()) == (200, seal)

    listed = audit_client.get("/api/v1/ledger/seals", headers=user_headers("supervisor", "430100"))
    assert listed.status_code == 200
    assert listed.json()["items"] == [seal]
    assert listed.json()["total"] == 1


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("caseworker", "GET", "/api/v1/ledger/verify"),
        ("supervisor", "GET", "/api/v1/ledger/verify"),
        ("admin", "POST", "/api/v1/ledger/seals"),
        ("supervisor", "POST", "/api/v1/ledger/seals"),
        ("admin", "GET", "/api/v1/ledger/seals/draft"),
        ("admin", "GET", "/api/v1/ledger/bundle"),
        ("caseworker", "GET", "/api/v1/ledger/seals"),
    ],
)
def test_roles_that_may_not_verify_or_seal_get_403(
    audit_client: TestClient, user_headers: UserFactory, role: str, method: str, path: str
) -> None:
    answer = audit_client.request(method, path, headers=user_headers(role, "430121"))

    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_ledger_that_fails_verification_is_not_sealed_over_http(
    audit_client: TestClient, user_headers: UserFactory, ledger: Ledger, rows: StoredRows
) -> None:
    rows.delete(ledger.family.id, 5)

    answer = audit_client.get(
        "/api/v1/ledger/seals/draft",
        params={"public_key": AUDITORS_PUBLIC_KEY},
        headers=user_headers("auditor", None),
    )

    assert answer.status_code == 409
    assert str(ledger.family.id) in answer.json()["detail"]


# -- command line ---------------------------------------------------------------------------------


def test_cli_verify_exits_0_then_1_after_tampering(
    settings: Settings, ledger: Ledger, rows: StoredRows
) -> None:
    runner = CliRunner()
    result = runner.invoke(audit, ["verify"], env=command_environment(settings))
    assert result.exit_code == 0, result.output
    assert f"verifies: {LOG_EVENTS} events checked" in result.stdout.splitlines()[0]

    rows.delete(ledger.county.id, 3)
    result = runner.invoke(audit, ["verify"], env=command_environment(settings))

    assert result.exit_code == 1
    summary, *problems = result.stdout.splitlines()
    assert "does NOT verify" in summary
    assert f"account {ledger.county.id} version 3" in problems[0]
    assert problems[0].split()[0] == "deleted"


def test_cli_replay_prints_balances_as_of_a_date(settings: Settings, ledger: Ledger) -> None:
    result = CliRunner().invoke(
        audit, ["replay", "--as-of", "2024-02-13"], env=command_environment(settings)
    )

    assert result.exit_code == 0, result.output
    county_line = next(line for line in result.stdout.splitlines() if str(ledger.county.id) in line)
    assert county_line.split()[3:6] == ["3000.00", "200.00", "2800.00"]
    assert "debits equal credits" in result.stdout


def test_cli_export_and_verify_bundle_without_a_database(
    settings: Settings, ledger: Ledger, tmp_path: Path
) -> None:
    runner = CliRunner()
    bundle = tmp_path / "audit-2024.jsonl.gz"
    exported = runner.invoke(
        audit, ["export", "--out", str(bundle)], env=command_environment(settings)
    )
    assert exported.exit_code == 0, exported.output
    assert f"exported {LOG_EVENTS} events" in exported.stdout

    # No settings reach it: a database it tried to open would not answer.
    offline = {"NUANXIN_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    verified = runner.invoke(audit, ["verify-bundle", str(bundle)], env=offline)
    assert verified.exit_code == 0, verified.output
    assert "verifies" in verified.stdout

    lines = read_bundle(bundle)
    for line in lines:
        if (
            line.get("originator_id") == str(ledger.family.id)
            and line.get("originator_version") == 2
        ):
            line["state"]["amount_fen"] += 100
    write_bundle(bundle, lines)
    tampered = runner.invoke(audit, ["verify-bundle", str(bundle)], env=offline)
    assert tampered.exit_code == 1
    assert f"account {ledger.family.id} version 2" in tampered.stdout


def test_cli_verify_bundle_refuses_a_file_that_is_not_a_bundle(tmp_path: Path) -> None:
    not_a_bundle = tmp_path / "notes.txt"
    not_a_bundle.write_text("hello\n")

    result = CliRunner().invoke(audit, ["verify-bundle", str(not_a_bundle)])

    assert result.exit_code == 1
    assert "not a nuanxin-ledger-bundle" in result.output


# -- funds as of each business date --------------------------------------------------------------


def test_a_fund_overdrawn_only_as_of_an_earlier_date_is_found(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger written before the funds check held each date: a payment backdated to before
    the fund was funded. Today's balance is fine; the balance as of that date is not."""
    monkeypatch.setattr(Account, "check_can_pay", lambda *_: None)
    with acting_as(ADMIN_ACTOR):
        donor = Account.open_external("中国人口福利基金会")
        county = Account.open_fund(
            uuid4(),
            name="长沙县暖心行动（基金会捐赠）",
            source=FundSource.FOUNDATION_DONATION,
            programme=Programme.WARM_HEART,
            region_code="430121",
        )
        family = Account.open_beneficiary(uuid4())
        receipt = record_transfer(
            donor,
            county,
            transfer_id=uuid4(),
            kind=TransferKind.RECEIPT,
            amount_fen=100_000,
            memo="捐赠",
            occurred_on=DAY,
            cause={"type": "receipt"},
        )
        runtime.app.save(donor, county, receipt)
        payment = record_transfer(
            county,
            family,
            transfer_id=uuid4(),
            kind=TransferKind.SERVICE_PAYMENT,
            amount_fen=50_000,
            memo="慰问金",
            occurred_on=DAY - dt.timedelta(days=5),
            cause={"type": "service", "id": str(uuid4())},
            family_region=FAMILY_REGION,
        )
        runtime.app.save(county, family, payment)

    problem = first_problem(verify_ledger(runtime.app))

    assert names(problem, county.id, 3, "overdrawn")
    assert (
        f"-500.00 available as of {(DAY - dt.timedelta(days=5)).isoformat()}" in (problem["detail"])
    )


def test_snapshots_of_an_account_with_entries_over_many_dates_verify(runtime: Runtime) -> None:
    """The snapshot keeps the account's `available` per date, which the checker recomputes."""
    app = runtime.app
    with acting_as(ADMIN_ACTOR):
        treasury = Account.open_external("省财政厅")
        province = Account.open_fund(
            uuid4(),
            name="湖南省暖心行动",
            source=FundSource.PROVINCIAL_BUDGET,
            programme=Programme.WARM_HEART,
            region_code="430000",
        )
        family = Account.open_beneficiary(uuid4())
        for number in range(110):
            on = DAY + dt.timedelta(days=number)
            receipt = record_transfer(
                treasury,
                province,
                transfer_id=uuid4(),
                kind=TransferKind.RECEIPT,
                amount_fen=10_000,
                memo=f"拨款 {number}",
                occurred_on=on,
                cause={"type": "receipt"},
            )
            payment = record_transfer(
                province,
                family,
                transfer_id=uuid4(),
                kind=TransferKind.SERVICE_PAYMENT,
                amount_fen=5_000 + number,
                memo=f"慰问 {number}",
                occurred_on=on,
                cause={"type": "service", "id": str(uuid4())},
                family_region=FAMILY_REGION,
            )
            app.save(treasury, province, family, receipt, payment)
    assert app.snapshots is not None
    snapshot = next(iter(app.snapshots.get(province.id, desc=True, limit=1)))
    app.repository.cache = None
    reloaded: Account = app.repository.get(province.id)

    report = verify_ledger(app)

    assert report.ok, report.problems
    assert snapshot.originator_version == 200
    assert len(snapshot.state["available_by_date"]) == 100
    assert reloaded.available_by_date == province.available_by_date
    assert reloaded.lowest_available_from(DAY) == province.lowest_available_from(DAY)
