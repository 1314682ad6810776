"""Loading the demo county: saving a plan through the application's ordinary commands, as the
demo caseworkers, so the events look exactly like real ones.

It is meant for an empty data directory: loading it twice raises `DemoAlreadyLoadedError`
before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from application.app import Nuanxin
from application.commands import cases, services
from application.commands.ledger import Allocate, OpenFund, RecordReceipt
from application.demo.catalogue import COUNTY_CODE, COUNTY_NAME
from application.demo.claims import ClaimActors, load_claims_year
from application.demo.plan import (
    AddMember,
    AssignContacts,
    CloseFamily,
    CorrectService,
    CountyPlan,
    FamilyPlan,
    GrantGreenChannel,
    MarkDeceased,
    RecordService,
    ReopenFamily,
    SignFamilyDoctor,
    TransferFamily,
    VoidService,
    goods_body,
)
from application.demo.planning import plan_county
from application.principal import Principal
from application.resident_index import resident_is_registered
from domain.errors import RuleViolatedError
from domain.ledger.vocabulary import FundSource, Programme
from domain.values import Role

ProgressCallback = Callable[[int, int], None]
"""Called with (families loaded, families to load)."""


class DemoAlreadyLoadedError(RuleViolatedError):
    """The demo county is already in this data directory."""

    def __init__(self) -> None:
        super().__init__(
            "the demo county is already loaded here (its first family is registered); "
            "load the demo into an empty data directory"
        )


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: Role
    region_code: str
    region_name: str
    # A bearer token is a credential: keep it out of logs and reprs.
    token: str = field(repr=False)


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded. Every count is of commands that succeeded, i.e. of stored events."""

    county_code: str
    county_name: str
    townships: int
    villages: int
    families: int
    members: int
    deceased_members: int
    services: int
    corrected_services: int
    voided_services: int
    contacts_assigned: int
    family_doctor_contracts: int
    green_channels: int
    transferred_families: int
    closed_families: int
    reopened_families: int
    funds: int
    cash_paid_fen: int
    users: tuple[DemoUser, ...]
    policies: int = 0
    claims: dict[str, int] = field(default_factory=dict)
    """Claims by the status they reached: submitted, approved, rejected, paid, cancelled."""

    @property
    def users_created(self) -> int:
        return len(self.users)


def load_demo_county(
    app: Nuanxin,
    *,
    seed: int = 2024,
    families: int = 300,
    progress: ProgressCallback | None = None,
) -> DemoSummary:
    """Builds the demo county into `app`. Dates end at `app.today()`, never later."""
    today = app.today()
    county = plan_county(seed, families, today)
    first_head_id = county.families[0].head["id_number"] if county.families else None
    if first_head_id and resident_is_registered(app, first_head_id):
        raise DemoAlreadyLoadedError()

    users: list[DemoUser] = []
    principals: dict[str, Principal] = {}
    for township in county.townships:
        user = _add_demo_user(
            app, township.caseworker.name, Role.CASEWORKER, township.code, township.name
        )
        users.append(user)
        principals[township.code] = app.users.authenticate(user.token)
    supervisor = _add_demo_user(
        app, county.supervisor_name, Role.SUPERVISOR, COUNTY_CODE, COUNTY_NAME
    )
    users.append(supervisor)

    township_funds = _fund_the_county(app, county, users)
    tally = _Tally()
    total = len(county.families)
    if progress:
        progress(0, total)
    family_ids: list[UUID] = []
    for done, plan in enumerate(county.families, start=1):
        family_ids.append(
            _load_family(
                app, principals[plan.township.code], plan, tally, township_funds[plan.township.code]
            )
        )
        if progress:
            progress(done, total)
    finance = next(user for user in users if user.role == Role.ADMIN)
    claims = load_claims_year(
        app,
        family_ids,
        ClaimActors(
            caseworkers=principals,
            supervisor=app.users.authenticate(supervisor.token),
            finance=app.users.authenticate(finance.token),
        ),
        seed=seed,
    )

    return DemoSummary(
        county_code=COUNTY_CODE,
        county_name=COUNTY_NAME,
        townships=len(county.townships),
        villages=sum(len(t.villages) for t in county.townships),
        families=tally.families,
        members=tally.members,
        deceased_members=tally.deceased_members,
        services=tally.services,
        corrected_services=tally.corrected_services,
        voided_services=tally.voided_services,
        contacts_assigned=tally.contacts_assigned,
        family_doctor_contracts=tally.family_doctor_contracts,
        green_channels=tally.green_channels,
        transferred_families=tally.transferred_families,
        closed_families=tally.closed_families,
        reopened_families=tally.reopened_families,
        funds=len(township_funds) + 1 + claims.funds,
        cash_paid_fen=tally.cash_paid_fen,
        users=tuple(users),
        policies=claims.policies,
        claims=dict(sorted(claims.claims.items())),
    )


@dataclass
class _Tally:
    families: int = 0
    members: int = 0
    deceased_members: int = 0
    services: int = 0
    corrected_services: int = 0
    voided_services: int = 0
    contacts_assigned: int = 0
    family_doctor_contracts: int = 0
    green_channels: int = 0
    transferred_families: int = 0
    closed_families: int = 0
    reopened_families: int = 0
    cash_paid_fen: int = 0


def _add_demo_user(
    app: Nuanxin, name: str, role: Role, region_code: str, region_name: str
) -> DemoUser:
    issued = app.users.add_user(name, role, region_code)
    return DemoUser(name, role, region_code, region_name, token=issued.token)


def _fund_the_county(app: Nuanxin, county: CountyPlan, users: list[DemoUser]) -> dict[str, UUID]:
    """The county association's finance officer receives the provincial warm-heart budget a
    little before the first festival visit and allocates each township what its special
    families' festival money needs, with a margin; answers each township's fund id."""
    officer = _add_demo_user(app, "县计生协财务", Role.ADMIN, COUNTY_CODE, COUNTY_NAME)
    users.append(officer)
    users.append(_add_demo_user(app, "绩效评价审计", Role.AUDITOR, COUNTY_CODE, COUNTY_NAME))
    admin = app.users.authenticate(officer.token)
    needed = {township.code: 0 for township in county.townships}
    first_day = app.today()
    for plan in county.families:
        for service in plan.services:
            needed[plan.township.code] += service.cash_fen
            first_day = min(first_day, service.on)
    funded_on = first_day - dt.timedelta(days=14)
    allotments = {code: _round_up(fen * 11 // 10, 1_000_000) for code, fen in needed.items()}
    county_fund = UUID(
        app.handle(
            admin,
            OpenFund(
                source=FundSource.PROVINCIAL_BUDGET,
                region_code=COUNTY_CODE,
                programme=Programme.WARM_HEART,
                name=f"{COUNTY_NAME}暖心行动省级资金",
            ),
        ).body["id"]
    )
    app.handle(
        admin,
        RecordReceipt(
            county_fund,
            amount_fen=_round_up(sum(allotments.values()) * 12 // 10, 10_000_000),
            payer="湖南省财政厅",
            received_on=funded_on,
            reference=f"湘财社指〔{funded_on.year}〕暖心行动专项",
        ),
    )
    funds: dict[str, UUID] = {}
    for township in county.townships:
        funds[township.code] = UUID(
            app.handle(
                admin,
                OpenFund(
                    source=FundSource.PROVINCIAL_BUDGET,
                    region_code=township.code,
                    programme=Programme.WARM_HEART,
                    name=f"{township.name}暖心行动资金",
                ),
            ).body["id"]
        )
        app.handle(
            admin,
            Allocate(
                from_fund=county_fund,
                to_fund=funds[township.code],
                amount_fen=max(allotments[township.code], 1_000_000),
                memo=f"下拨{township.name}节日慰问金",
                occurred_on=funded_on + dt.timedelta(days=3),
            ),
        )
    return funds


def _round_up(fen: int, unit: int) -> int:
    return -(-fen // unit) * unit


def _load_family(
    app: Nuanxin, principal: Principal, plan: FamilyPlan, tally: _Tally, fund_id: UUID
) -> UUID:
    body = app.handle(
        principal,
        cases.RegisterFamily(
            region_code=plan.village.code,
            category=plan.category,
            head=plan.head,
            members=tuple(plan.members),
            address=plan.address,
            registered_on=plan.registered_on,
        ),
    ).body
    family_id = UUID(body["id"])
    member_ids: list[str] = [body["head"]["member_id"]]
    member_ids += [member["member_id"] for member in body["members"]]
    tally.families += 1
    tally.members += len(member_ids)
    service_ids: dict[int, UUID] = {}
    for step in plan.steps():
        match step:
            case MarkDeceased():
                app.handle(
                    principal,
                    cases.MarkMemberDeceased(family_id, member_ids[step.member], step.on),
                )
                tally.deceased_members += 1
            case AddMember():
                added = app.handle(
                    principal, cases.AddMember(family_id, step.member, added_on=step.on)
                )
                member_ids.append(added.body["member_id"])
                tally.members += 1
            case AssignContacts():
                app.handle(
                    principal,
                    cases.AssignContacts(
                        family_id, step.township_contact, step.village_contact, step.on
                    ),
                )
                tally.contacts_assigned += 1
            case SignFamilyDoctor():
                app.handle(
                    principal,
                    cases.SignFamilyDoctor(
                        family_id,
                        doctor=step.doctor,
                        institution=step.institution,
                        signed_on=step.on,
                        expires_on=step.expires_on,
                    ),
                )
                tally.family_doctor_contracts += 1
            case GrantGreenChannel():
                app.handle(
                    principal,
                    cases.GrantGreenChannel(family_id, hospital=step.hospital, granted_on=step.on),
                )
                tally.green_channels += 1
            case RecordService():
                cash = services.CashPayment(step.cash_fen, fund_id) if step.cash_fen else None
                recorded = app.handle(
                    principal,
                    services.RecordService(
                        family_id,
                        kind=step.kind,
                        occasion=step.occasion,
                        occurred_on=step.on,
                        staff=tuple(step.staff),
                        summary=step.summary,
                        goods=tuple(goods_body(step.goods)),
                        cash=cash,
                    ),
                )
                tally.cash_paid_fen += step.cash_fen
                service_ids[step.ref] = UUID(recorded.body["id"])
                tally.services += 1
            case CorrectService():
                app.handle(
                    principal,
                    services.CorrectService(
                        service_ids[step.ref], reason=step.reason, changes=step.changes
                    ),
                )
                tally.corrected_services += 1
            case VoidService():
                app.handle(
                    principal, services.VoidService(service_ids[step.ref], reason=step.reason)
                )
                tally.voided_services += 1
            case TransferFamily():
                app.handle(
                    principal,
                    cases.TransferFamily(
                        family_id,
                        to_region_code=step.to_region_code,
                        transferred_on=step.on,
                        reason=step.reason,
                    ),
                )
                tally.transferred_families += 1
            case CloseFamily():
                app.handle(
                    principal,
                    cases.CloseFamily(family_id, reason=step.reason, closed_on=step.on),
                )
                tally.closed_families += 1
            case ReopenFamily():
                app.handle(
                    principal,
                    cases.ReopenFamily(family_id, reason=step.reason, reopened_on=step.on),
                )
                tally.reopened_families += 1
    return family_id
