"""The demo county: valid people, no future dates, counts that match the stored events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from application.app import Nuanxin
from application.audit.verify import verify_ledger
from application.demo import COUNTY_CODE, DemoAlreadyLoadedError, DemoSummary, load_demo_county
from domain.values import Role, parse_resident_id
from infrastructure.clock import BusinessClock
from infrastructure.persistence import events_environment
from infrastructure.settings import Settings
from tests.steps import event_name, events_of

SMALL_DEMO = 20
# 春节 / 端午 / 中秋 fall on these Gregorian dates (农历正月初一, 五月初五, 八月十五).
LUNAR_FESTIVALS = {
    occasion: [dt.date.fromisoformat(day) for day in days.split()]
    for occasion, days in {
        "spring_festival": "2024-02-10 2025-01-29 2026-02-17 2027-02-06 2028-01-26",
        "dragon_boat": "2024-06-10 2025-05-31 2026-06-19 2027-06-09 2028-05-28",
        "mid_autumn": "2024-09-17 2025-10-06 2026-09-25 2027-09-15 2028-10-03",
    }.items()
}
BUSINESS_DATE_FIELDS = (
    "occurred_on",
    "registered_on",
    "died_on",
    "assigned_on",
    "signed_on",
    "granted_on",
    "closed_on",
    "reopened_on",
    "transferred_on",
    "added_on",
    "submitted_on",
    "approved_on",
    "rejected_on",
    "paid_on",
    "cancelled_on",
    "enrolled_on",
)


def new_app(data_dir: Path) -> Nuanxin:
    return Nuanxin(events_environment(Settings(data_dir=data_dir)), BusinessClock("Asia/Shanghai"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Nuanxin, DemoSummary, list[Any]]:
    app = new_app(tmp_path_factory.mktemp("demo"))
    calls: list[tuple[int, int]] = []
    summary = load_demo_county(app, families=SMALL_DEMO, progress=lambda *c: calls.append(c))
    assert calls[0] == (0, SMALL_DEMO)
    assert calls[-1] == (SMALL_DEMO, SMALL_DEMO)
    return app, summary, events_of(app)


def people(events: list[Any]) -> list[dict[str, Any]]:
    registered = [m for e in events if event_name(e) == "Family.Registered" for m in e.members]
    added = [e.member for e in events if event_name(e) == "Family.MemberAdded"]
    return registered + added


def test_every_resident_id_is_valid_and_agrees_with_the_person(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    _, summary, events = loaded
    persons = people(events)
    assert len(persons) == summary.members
    numbers = [person["id_number"] for person in persons]
    assert len(set(numbers)) == len(numbers)
    for person in persons:
        number = parse_resident_id(person["id_number"])
        assert number.startswith(COUNTY_CODE)
        assert ric.get_birth_date(number) == dt.date.fromisoformat(person["birth_date"])
        is_male = int(number[16]) % 2 == 1
        assert is_male == (person["gender"] == "male")


def test_no_business_date_is_in_the_future(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    app, _, events = loaded
    today = app.today()
    business_dates: list[dt.date] = []
    for event in events:
        for name in BUSINESS_DATE_FIELDS:
            value = getattr(event, name, None)
            if isinstance(value, dt.date):
                business_dates.append(value)
        changes = getattr(event, "changes", {})
        if "occurred_on" in changes:
            business_dates.append(dt.date.fromisoformat(str(changes["occurred_on"])))
    services = [e for e in events if event_name(e) == "ServiceRecord.Recorded"]
    assert services
    assert len(business_dates) > len(services)
    assert max(business_dates) <= today
    # A year of services, no more.
    assert min(e.occurred_on for e in services) >= today - dt.timedelta(days=366)


def test_summary_counts_match_the_stored_events(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    _, summary, events = loaded
    counts = Counter(event_name(e) for e in events)
    assert summary.families == counts["Family.Registered"] == SMALL_DEMO
    assert summary.deceased_members == counts["Family.MemberDeceased"]
    assert summary.services == counts["ServiceRecord.Recorded"]
    assert summary.corrected_services == counts["ServiceRecord.Corrected"]
    assert summary.voided_services == counts["ServiceRecord.Voided"]
    assert summary.contacts_assigned == counts["Family.ContactsAssigned"]
    assert summary.family_doctor_contracts == counts["Family.FamilyDoctorSigned"]
    assert summary.green_channels == counts["Family.GreenChannelGranted"]
    assert summary.transferred_families == counts["Family.Transferred"]
    assert summary.closed_families == counts["Family.Closed"]
    assert summary.reopened_families == counts["Family.Reopened"]
    # A caseworker per township, the county supervisor, finance officer and auditor.
    assert summary.users_created == counts["User.Created"] == summary.townships + 3
    funds = [e for e in events if event_name(e) == "Account.Opened" and str(e.kind) == "fund"]
    # The warm-heart funds of the county and its townships, and one of each claim programme.
    assert summary.funds == len(funds) == summary.townships + 1 + 4
    paid = sum(e.amount_fen for e in events if event_name(e) == "Transfer.Recorded"
               and str(e.kind) == "service_payment")  # fmt: skip
    assert summary.cash_paid_fen == paid > 0
    # Even the small demo has something for every timeline feature to show.
    for count in (
        summary.services,
        summary.corrected_services,
        summary.voided_services,
        summary.deceased_members,
        summary.contacts_assigned,
        summary.family_doctor_contracts,
        summary.green_channels,
        summary.transferred_families,
        summary.closed_families,
        summary.reopened_families,
    ):
        assert count > 0


def test_the_demo_has_policies_and_claims_in_every_state(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    _, summary, events = loaded
    counts = Counter(event_name(e) for e in events)
    assert summary.policies == counts["InsurancePolicy.Enrolled"] > 0
    assert set(summary.claims) == {"submitted", "approved", "rejected", "paid", "cancelled"}
    assert sum(summary.claims.values()) == counts["Claim.Submitted"]
    assert summary.claims["paid"] == counts["Claim.Paid"]


def test_festival_visits_fall_in_the_days_before_the_lunar_festivals(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    _, _, events = loaded
    services = [e for e in events if event_name(e) == "ServiceRecord.Recorded"]
    occasions = Counter(str(e.occasion) for e in services)
    assert occasions["routine"] > 0
    assert occasions["spring_festival"] + occasions["mid_autumn"] + occasions["dragon_boat"] > 0
    for service in services:
        festivals = LUNAR_FESTIVALS.get(str(service.occasion))
        if festivals is not None:
            days_before = [(festival - service.occurred_on).days for festival in festivals]
            assert any(1 <= days <= 12 for days in days_before), service


def test_demo_users_act_within_their_regions(
    loaded: tuple[Nuanxin, DemoSummary, list[Any]],
) -> None:
    app, summary, events = loaded
    principals = [app.users.authenticate(user.token) for user in summary.users]
    caseworkers = [p for p in principals if p.role is Role.CASEWORKER]
    assert len(caseworkers) == summary.townships
    assert all(len(p.region_code or "") == 9 for p in caseworkers)
    assert [p.region_code for p in principals if p.role is Role.SUPERVISOR] == [COUNTY_CODE]
    by_user = {p.user_id: p for p in principals}
    for event in events:
        if event_name(event) == "Family.Registered":
            author = by_user[event.actor_id]
            assert author.role is Role.CASEWORKER
            assert author.covers(event.region_code)
            assert len(event.region_code) == 12


def test_the_same_seed_gives_the_same_people(tmp_path: Path) -> None:
    first, second = new_app(tmp_path / "first"), new_app(tmp_path / "second")
    load_demo_county(first, seed=7, families=5)
    load_demo_county(second, seed=7, families=5)

    def who(app: Nuanxin) -> list[tuple[str, ...]]:
        # Member ids are fresh UUIDs on every load; the people themselves are not.
        fields = ("name", "id_number", "birth_date", "gender", "relation")
        return [tuple(person[f] for f in fields) for person in people(events_of(app))]

    assert who(first) == who(second)


def test_loading_twice_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    load_demo_county(app, families=3)
    stored = app.recorder.max_notification_id()
    # The people depend on the seed alone, so a bigger demo is recognised as the same one.
    with pytest.raises(DemoAlreadyLoadedError):
        load_demo_county(app, families=SMALL_DEMO)
    assert app.recorder.max_notification_id() == stored


def test_the_full_default_demo_loads_and_its_ledger_verifies(tmp_path: Path) -> None:
    app = new_app(tmp_path)

    summary = load_demo_county(app)
    report = verify_ledger(app)

    assert summary.families == 300
    assert summary.cash_paid_fen > 0
    assert report.ok, report.to_dict()["problems"][:3]
