"""Claims through the HTTP API (DESIGN.md section 10): submitted by a caseworker, priced by
the rule, approved by another person of the region (reserved on the fund), paid (posted) or
cancelled (the reservation voided), listed in queues, on the timeline and in the journal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.claim_steps import (
    CLAIMS,
    approved,
    county,
    nursing_claim,
    paid,
    step,
    submit,
    submitted,
)
from tests.conftest import UserFactory
from tests.steps import balances, event_names, journal, stored_events, timeline


def test_a_nursing_subsidy_is_days_times_the_rate_of_the_rule(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    assert (claim["status"], claim["amount"], claim["rule"]) == (
        "submitted",
        "900.00",
        {"id": "nursing_subsidy", "version": 1},
    )
    assert claim["submitted_by"] == "caseworker-430121"


def test_a_nursing_subsidy_with_an_amount_typed_in_is_refused_naming_the_amount(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    response = submit(
        client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund, amount="5000")
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_more_days_than_nights_in_hospital_are_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    response = submit(
        client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund, days=10)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "days"


def test_education_aid_asks_the_amount_given(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    payload = {
        "kind": "education_aid",
        "member_id": c.spouse_id,
        "fund_id": c.education_fund,
        "amount": "1500.00",
        "reason": "孙女考入大学",
    }

    claim = submitted(client, caseworker, c.family_id, payload)

    assert (claim["kind"], claim["amount"], claim["rule"]["id"]) == (
        "education_aid",
        "1500.00",
        "education_aid",
    )


def test_approval_reserves_the_amount_on_the_fund(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    body = approved(client, supervisor, claim["id"])

    fund = balances(client, admin)[c.nursing_fund]
    assert body["status"] == "approved"
    assert (fund["posted"], fund["pending"], fund["available"]) == (
        "50000.00",
        "900.00",
        "49100.00",
    )


def test_payment_posts_the_reservation_to_the_family(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])

    body = paid(client, supervisor, claim["id"])

    fund = balances(client, admin)[c.nursing_fund]
    assert (body["status"], body["paid_on"], body["reference"]) == ("paid", "2025-04-02", "B-88")
    assert (fund["posted"], fund["pending"]) == ("49100.00", "0.00")


def test_an_admin_may_pay_an_approved_claim(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])

    assert paid(client, admin, claim["id"])["status"] == "paid"


def test_rejection_records_the_reason_and_moves_no_money(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    response = step(client, supervisor, claim["id"], "reject", reason="出院小结缺失")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rejection_reason"]) == (
        "rejected",
        "出院小结缺失",
    )
    assert balances(client, admin)[c.nursing_fund]["pending"] == "0.00"


def test_cancelling_an_approved_claim_voids_the_reservation(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])

    response = step(client, caseworker, claim["id"], "cancel", reason="家属撤回申请")

    fund = balances(client, admin)[c.nursing_fund]
    assert response.json()["status"] == "cancelled"
    assert (fund["pending"], fund["available"]) == ("0.00", "50000.00")


def test_a_cancelled_claim_frees_its_days_for_another_claim(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    step(client, supervisor, claim["id"], "cancel", reason="重复录入")

    again = submit(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    assert again.status_code == 201


def test_supervisors_see_the_queue_of_their_region(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    first = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    second = submitted(
        client,
        caseworker,
        c.family_id,
        nursing_claim(
            c.spouse_id,
            c.nursing_fund,
            admitted_on="2025-05-01",
            discharged_on="2025-05-03",
            days=2,
        ),
    )
    approved(client, supervisor, second["id"])
    elsewhere = user_headers("supervisor", "430181", name="浏阳督导")

    queue = client.get(
        CLAIMS, params={"status": "submitted", "region": "430121"}, headers=supervisor
    ).json()
    other = client.get(CLAIMS, params={"status": "submitted"}, headers=elsewhere).json()

    assert [item["id"] for item in queue["items"]] == [first["id"]]
    assert (queue["total"], queue["limit"], queue["offset"]) == (1, 50, 0)
    assert other["items"] == []


def test_the_queue_filters_by_kind_and_pages(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    for month in ("03", "05", "07"):
        submitted(
            client,
            caseworker,
            c.family_id,
            nursing_claim(
                c.head_id,
                c.nursing_fund,
                admitted_on=f"2025-{month}-01",
                discharged_on=f"2025-{month}-02",
                days=1,
            ),
        )

    page = client.get(
        CLAIMS, params={"kind": "nursing_subsidy", "limit": 2, "offset": 2}, headers=supervisor
    ).json()

    assert (len(page["items"]), page["total"]) == (1, 3)


def test_a_claim_outside_the_callers_region_is_not_found(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    elsewhere = user_headers("caseworker", "430181", name="浏阳社工")

    assert client.get(f"{CLAIMS}/{claim['id']}", headers=elsewhere).status_code == 404


def test_the_timeline_shows_the_claim_and_each_step(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"])

    entries = [
        e for e in timeline(client, caseworker, c.family_id) if e["source_id"] == claim["id"]
    ]

    by_event = {e["event"]: e for e in entries}
    assert sorted(by_event) == ["ClaimApproved", "ClaimPaid", "ClaimSubmitted"]
    assert by_event["ClaimPaid"]["occurred_on"] == "2025-04-02"
    assert by_event["ClaimPaid"]["details"]["transfer_id"] == claim_transfer(
        client, supervisor, claim["id"]
    )


def claim_transfer(client: TestClient, headers: dict[str, str], claim_id: str) -> str:
    transfer_id: str = client.get(f"{CLAIMS}/{claim_id}", headers=headers).json()["transfer_id"]
    return transfer_id


def test_the_journal_links_the_payment_to_its_claim(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"])

    rows = journal(client, admin, fund=c.nursing_fund)["entries"]

    claim_rows = [r for r in rows if r["cause"].get("type") == "claim"]
    assert {r["cause"]["id"] for r in claim_rows} == {claim["id"]}
    assert [r["phase"] for r in claim_rows] == ["pending", "post_pending"]


def test_every_step_is_a_stored_event_and_the_ledger_verifies(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    auditor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"])

    names = event_names(stored_events(runtime))
    verify = client.get("/api/v1/ledger/verify", headers=auditor).json()

    assert [n for n in names if n.startswith("Claim.")] == [
        "Claim.Submitted",
        "Claim.Approved",
        "Claim.Paid",
    ]
    assert verify["ok"] is True, verify["problems"]


def test_an_auditor_sees_the_hospital_masked(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], auditor: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    seen = client.get(f"{CLAIMS}/{claim['id']}", headers=auditor).json()

    assert (seen["hospital"], seen["amount"]) == ("***", "900.00")


def test_the_timeline_shows_a_rejection_and_a_cancellation_with_their_reasons(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    rejected = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    cancelled = submitted(
        client, caseworker, c.family_id, nursing_claim(c.spouse_id, c.nursing_fund)
    )
    step(client, supervisor, rejected["id"], "reject", reason="出院小结缺失")
    step(client, caseworker, cancelled["id"], "cancel", reason="家属撤回申请")

    entries = timeline(client, caseworker, c.family_id)

    steps = {(e["event"], e["source_id"]): e["details"].get("reason") for e in entries}
    assert steps[("ClaimRejected", rejected["id"])] == "出院小结缺失"
    assert steps[("ClaimCancelled", cancelled["id"])] == "家属撤回申请"
