"""Which region each leg of a payment counts in, as a regional journal shows it: a payment's
family leg belongs to the region the family was in when paid, an external payer's or insurer's
leg to the region of the account on its other side (DESIGN.md sections 4 and 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from application.audit.bundle import verify_bundle
from application.ledger import service_payment_id
from infrastructure.settings import Settings
from projections.ledger import LedgerProjection
from tests.claim_steps import (
    approved,
    county,
    enrolled,
    paid,
    policy_payload,
    submitted,
)
from tests.conftest import UserFactory
from tests.steps import FAMILIES, journal, open_fund, receive, record_service, register_family
from tests.test_audit import AUDITOR, AUDITORS_PUBLIC_KEY, StoredRows, build_ledger, seal_ledger
from tests.test_audit_keys import bundle_over_http


def visit_paid_in_cash(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], fund_region: str
) -> tuple[str, dict[str, Any]]:
    """A family of 430121101001 paid 500.00 at a visit from a fund of `fund_region` that
    received 1000.00: the family's id and the service."""
    fund_id = open_fund(client, admin, fund_region)["id"]
    assert receive(client, admin, fund_id, "1000.00").status_code == 201
    family_id = register_family(client, caseworker)["id"]
    service = record_service(
        client, caseworker, family_id, cash={"amount": "500.00", "fund_id": fund_id}
    )
    return family_id, service


def legs_of(body: dict[str, Any], cause_id: str) -> list[tuple[str, str, str, str | None]]:
    return sorted(
        (e["account_kind"], e["side"], e["amount"], e["region_code"])
        for e in body["entries"]
        if e["cause"].get("id") == cause_id
    )


@pytest.mark.parametrize(
    ("role", "region"),
    [("auditor", "430000"), ("supervisor", "430121")],
    ids=["province", "county"],
)
def test_a_regional_journal_shows_both_legs_of_a_payment_to_its_family_and_balances(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    user_headers: UserFactory,
    role: str,
    region: str,
) -> None:
    _, service = visit_paid_in_cash(client, admin, caseworker, "430121")

    body = journal(client, user_headers(role, region))

    assert legs_of(body, service["id"]) == [
        ("beneficiary", "credit", "500.00", "430121101001"),
        ("fund", "debit", "500.00", "430121"),
    ]
    # The receipt's payer leg counts with the fund it paid into.
    assert body["total_debits"] == body["total_credits"] == "1500.00"


def test_an_auditor_of_another_region_sees_neither_leg_of_the_payment(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    _, service = visit_paid_in_cash(client, admin, caseworker, "430121")

    body = journal(client, user_headers("auditor", "430181"))

    assert legs_of(body, service["id"]) == []
    assert body["total_debits"] == body["total_credits"] == "0.00"


def test_the_family_leg_of_a_payment_from_a_city_fund_counts_in_the_familys_county(
    client: TestClient, admin: dict[str, str], user_headers: UserFactory
) -> None:
    city_caseworker = user_headers("caseworker", "430100")
    _, service = visit_paid_in_cash(client, admin, city_caseworker, "430100")

    in_county = journal(client, user_headers("auditor", "430121"))
    in_city = journal(client, user_headers("auditor", "430100"))

    assert legs_of(in_county, service["id"]) == [
        ("beneficiary", "credit", "500.00", "430121101001")
    ]
    assert legs_of(in_city, service["id"]) == [
        ("beneficiary", "credit", "500.00", "430121101001"),
        ("fund", "debit", "500.00", "430100"),
    ]


def test_a_payment_stays_with_the_region_the_family_was_in_when_paid(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family_id, service = visit_paid_in_cash(client, admin, caseworker, "430121")
    moved = client.post(
        f"{FAMILIES}/{family_id}/transfer",
        json={"to_region_code": "430181001001", "reason": "随子女迁居浏阳"},
        headers=user_headers("caseworker", "430100"),
    )
    assert moved.status_code == 200, moved.text

    old_county = journal(client, user_headers("auditor", "430121"))
    new_county = journal(client, user_headers("auditor", "430181"))

    assert len(legs_of(old_county, service["id"])) == 2
    assert legs_of(new_county, service["id"]) == []


def test_both_legs_of_an_insurers_payment_count_in_the_familys_region(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))
    claim = submitted(
        client,
        caseworker,
        c.family_id,
        {"kind": "insurance", "member_id": c.head_id, "policy_id": policy["id"],
         "incident_on": "2025-06-01", "description": "摔伤住院", "amount": "8000.00"},
    )  # fmt: skip
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"], paid_on="2025-07-02")

    body = journal(client, user_headers("auditor", "430121"))

    assert legs_of(body, claim["id"]) == [
        ("beneficiary", "credit", "8000.00", "430121101001"),
        ("external", "debit", "8000.00", "430121101001"),
    ]
    assert body["total_debits"] == body["total_credits"]


def test_every_leg_of_a_claim_reserved_and_paid_from_a_fund_counts_in_the_familys_region(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(
        client,
        caseworker,
        c.family_id,
        {"kind": "education_aid", "member_id": c.spouse_id, "fund_id": c.education_fund,
         "amount": "2000.00", "reason": "孙女考入大学", "claimed_on": "2025-03-20"},
    )  # fmt: skip
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"])

    body = journal(client, user_headers("auditor", "430121"))

    legs = [
        (e["account_kind"], e["phase"], e["region_code"])
        for e in body["entries"]
        if e["cause"].get("id") == claim["id"]
    ]
    assert sorted(legs) == [
        ("beneficiary", "pending", "430121101001"),
        ("beneficiary", "post_pending", "430121101001"),
        ("fund", "pending", "430121"),
        ("fund", "post_pending", "430121"),
    ]
    assert body["total_debits"] == body["total_credits"]


def test_a_ledger_view_written_before_entries_kept_their_region_is_rebuilt_on_start(
    settings: Settings,
    runtime: Runtime,
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    user_headers: UserFactory,
) -> None:
    _, service = visit_paid_in_cash(client, admin, caseworker, "430121")
    view: Any = runtime.projections[LedgerProjection.name].view
    runtime.reads_of(LedgerProjection.name).wait_until_current()
    with view.datastore.transaction(commit=True) as cursor:
        # The table as the view's first version made it, in a store from before versions.
        cursor.execute(view.dialect("DROP INDEX {t}ledger_entries_by_region"))
        cursor.execute(view.dialect("ALTER TABLE {t}ledger_entries DROP COLUMN region_code"))
        cursor.execute(view.dialect("DROP TABLE {t}view_versions"))

    reopened = open_runtime(settings, run_projections=True)
    try:
        with TestClient(create_app(runtime=reopened)) as reopened_client:
            body = journal(reopened_client, user_headers("auditor", "430000"))
    finally:
        reopened.close()

    assert len(legs_of(body, service["id"])) == 2
    assert body["total_debits"] == body["total_credits"] == "1500.00"


def without(rows: StoredRows, app: Any, aggregate_id: UUID, version: int, name: str) -> None:
    """Stores the event as it was recorded before it had the field `name`."""
    topic, state = rows.row(aggregate_id, version)
    event = app.mapper.to_domain_event(StoredEvent(aggregate_id, version, topic, state))
    del vars(event)[name]
    rows.set_state(aggregate_id, version, app.mapper.to_stored_event(event).state)


def test_a_payment_recorded_before_legs_named_their_region_counts_with_its_fund(
    settings: Settings,
    runtime: Runtime,
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    user_headers: UserFactory,
) -> None:
    _, service = visit_paid_in_cash(client, admin, caseworker, "430121")
    payment = runtime.app.repository.get(service_payment_id(UUID(service["id"])))
    rows = StoredRows(settings)
    without(rows, runtime.app, payment.id, 1, "family_region")
    for account_id in (payment.from_account_id, payment.to_account_id):
        account = runtime.app.repository.get(account_id)
        without(rows, runtime.app, account_id, account.version, "region_code")
    runtime.app.repository.cache = None
    auditor = user_headers("auditor", "430121")

    runtime.runners[LedgerProjection.name].stop()  # no live runner racing the rebuild
    runtime.ledger.clear(runtime.app.name)
    runtime.runner_for(LedgerProjection.name).catch_up()
    body = journal(client, auditor)

    assert legs_of(body, service["id"]) == [
        ("beneficiary", "credit", "500.00", "430121"),
        ("fund", "debit", "500.00", "430121"),
    ]
    assert runtime.app.repository.get(payment.id).family_region is None


# -- the regional bundle and verify -------------------------------------------------------------


def test_a_regional_bundle_carries_its_familys_legs_in_full_and_still_verifies(
    client: TestClient, user_headers: UserFactory, runtime: Runtime, tmp_path: Path
) -> None:
    ledger = build_ledger(runtime)
    seal = seal_ledger(runtime.app, AUDITOR)

    lines = bundle_over_http(client, user_headers("auditor", "430121"), tmp_path / "b.jsonl")

    family_rows = [
        (line["originator_version"], line["state"] is not None)
        for line in lines
        if line.get("originator_id") == str(ledger.family.id)
    ]
    # Its opening names no region: it goes by its digest, the four entries in full.
    assert family_rows == [(1, False), (2, True), (3, True), (4, True), (5, True)]
    report = verify_bundle(
        tmp_path / "b.jsonl", public_key=AUDITORS_PUBLIC_KEY, expect_seal=seal["seal_hash"]
    )
    assert report.ok, report.problems


def test_another_regions_bundle_carries_none_of_the_familys_legs(
    client: TestClient, user_headers: UserFactory, runtime: Runtime, tmp_path: Path
) -> None:
    ledger = build_ledger(runtime)

    lines = bundle_over_http(client, user_headers("auditor", "430181"), tmp_path / "b.jsonl")

    assert not [
        line
        for line in lines
        if line.get("originator_id") == str(ledger.family.id) and line["state"] is not None
    ]


def test_a_regional_verify_reports_a_changed_family_leg_of_its_region_only_to_it(
    client: TestClient, user_headers: UserFactory, runtime: Runtime, settings: Settings
) -> None:
    ledger = build_ledger(runtime)
    StoredRows(settings).rewrite(runtime.app, ledger.family.id, 2, amount_fen=5_000_000)

    county = client.get("/api/v1/ledger/verify", headers=user_headers("auditor", "430121"))
    other = client.get("/api/v1/ledger/verify", headers=user_headers("auditor", "430181"))

    assert str(ledger.family.id) in {p["account_id"] for p in county.json()["problems"]}
    # Another region hears of the ledger as a whole (unbalanced), not of this family's account.
    assert str(ledger.family.id) not in {p["account_id"] for p in other.json()["problems"]}
