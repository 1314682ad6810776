"""A year of insurance policies and claims for the demo county (DESIGN.md section 10): the
county's funds of each claim programme, nursing-subsidy policies for special families' parents,
accident policies for one-child and two-daughter households, and nursing subsidies, insurance
claims, education aid and hardship grants, taken through every state of their lifecycle by
the township caseworker who submits them, the county supervisor who decides and pays them, and
the county's finance officer who pays some. Saved through the ordinary commands, after the
families are loaded, so that every rule of a real claim holds for them too."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

from application.app import Nuanxin
from application.commands.claims import (
    ApproveClaim,
    CancelClaim,
    ClaimRequest,
    PayClaim,
    RejectClaim,
    SubmitClaim,
)
from application.commands.ledger import OpenFund, RecordReceipt
from application.commands.policies import EnrolPolicy, PolicyTerms
from application.demo.catalogue import COUNTY_CODE, COUNTY_NAME, HOSPITALS
from application.demo.dates import one_year_after, random_day
from application.principal import Principal
from domain.claims.claim import ClaimStatus
from domain.claims.policy import PolicyProgramme
from domain.claims.pricing import ClaimKind
from domain.family import Family, MemberData
from domain.ledger.vocabulary import FundSource, Programme
from domain.values import FamilyCategory

INSURER = "中国人寿保险股份有限公司长沙市分公司"

CLAIM_FUNDS: tuple[tuple[Programme, FundSource, str, str, int], ...] = (
    (Programme.NURSING_SUBSIDY, FundSource.FERTILITY_CARE_FUND, "住院护理补贴", "湖南省计生协",
     300_000_00),
    (Programme.ACCIDENT_INSURANCE, FundSource.LOCAL_MATCHING, "意外伤害保险", "长沙县财政局",
     60_000_00),
    (Programme.EDUCATION_AID, FundSource.FOUNDATION_DONATION, "金秋助学",
     "湖南省人口健康福利基金会", 100_000_00),
    (Programme.HARDSHIP_GRANT, FundSource.PROVINCIAL_BUDGET, "困难救助", "湖南省财政厅",
     80_000_00),
)  # fmt: skip
"""Each claim programme's county fund: source, name, payer and what it receives, in fen."""

OUTCOMES = (
    ClaimStatus.PAID,
    ClaimStatus.APPROVED,
    ClaimStatus.PAID,
    ClaimStatus.SUBMITTED,
    ClaimStatus.REJECTED,
    ClaimStatus.PAID,
    ClaimStatus.CANCELLED,
    ClaimStatus.APPROVED,
)
"""Claims reach these states in turn, so that even a small demo has every state; every other
cancellation comes after approval (and voids the reservation), the rest before."""

SPECIAL = (
    FamilyCategory.BEREAVED,
    FamilyCategory.DISABLED_CHILD,
    FamilyCategory.SURGERY_COMPLICATION,
)


@dataclass
class ClaimTally:
    funds: int = 0
    policies: int = 0
    claims: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class ClaimActors:
    caseworkers: dict[str, Principal]
    """By township code (the first nine digits of a village code)."""
    supervisor: Principal
    finance: Principal


def load_claims_year(
    app: Nuanxin, family_ids: list[UUID], actors: ClaimActors, *, seed: int
) -> ClaimTally:
    rng = random.Random(seed * 31 + 8)
    today = app.today()
    year_start = today - dt.timedelta(days=364)
    tally = ClaimTally()
    funds = _fund_the_programmes(app, actors.finance, year_start - dt.timedelta(days=14))
    tally.funds = len(funds)
    outcomes = itertools.cycle(OUTCOMES)
    loader = _Loader(app, actors, rng, today, year_start, funds, outcomes, tally)
    for family_id in family_ids:
        family: Family = app.load(family_id, Family, "family")
        caseworker = actors.caseworkers.get(family.region_code[:9])
        if family.is_open and caseworker is not None:
            loader.family(family, caseworker)
    return tally


def _fund_the_programmes(
    app: Nuanxin, finance: Principal, received_on: dt.date
) -> dict[Programme, UUID]:
    funds: dict[Programme, UUID] = {}
    for programme, source, name, payer, amount_fen in CLAIM_FUNDS:
        fund_id = UUID(
            app.handle(
                finance,
                OpenFund(
                    source=source,
                    region_code=COUNTY_CODE,
                    programme=programme,
                    name=f"{COUNTY_NAME}{name}资金",
                ),
            ).body["id"]
        )
        app.handle(
            finance,
            RecordReceipt(
                fund_id,
                amount_fen=amount_fen,
                payer=payer,
                received_on=received_on,
                reference=f"{received_on.year}年度{name}专项",
            ),
        )
        funds[programme] = fund_id
    return funds


@dataclass
class _Loader:
    app: Nuanxin
    actors: ClaimActors
    rng: random.Random
    today: dt.date
    year_start: dt.date
    funds: dict[Programme, UUID]
    outcomes: itertools.cycle[ClaimStatus]
    tally: ClaimTally

    def family(self, family: Family, caseworker: Principal) -> None:
        alive = [m for m in family.members.values() if not m.get("deceased_on")]
        if not alive:
            return
        insured = family.head if family.head in alive else alive[0]
        if family.category in SPECIAL:
            policy = self._policy(
                family, caseworker, insured["member_id"], PolicyProgramme.NURSING_SUBSIDY
            )
            if self.rng.random() < 0.6:
                self._nursing(family, caseworker, insured["member_id"], policy)
        elif family.category in (FamilyCategory.ONLY_CHILD, FamilyCategory.TWO_DAUGHTERS):
            policy = self._policy(
                family, caseworker, insured["member_id"], PolicyProgramme.ACCIDENT_INSURANCE
            )
            if policy is not None and self.rng.random() < 0.35:
                self._insurance(family, caseworker, insured["member_id"], policy)
        else:
            self._aid(family, caseworker, alive)

    def _policy(
        self, family: Family, caseworker: Principal, member_id: str, programme: PolicyProgramme
    ) -> UUID | None:
        if self.rng.random() < 0.3:
            return None  # not every family is insured yet
        nursing = programme == PolicyProgramme.NURSING_SUBSIDY
        starts_on = self.year_start
        terms = PolicyTerms(
            member_id=member_id,
            programme=programme,
            insurer=INSURER,
            policy_number=f"{'HL' if nursing else 'YW'}{starts_on:%Y}{self.tally.policies:05d}",
            starts_on=starts_on,
            ends_on=one_year_after(starts_on),
            premium_fen=150_00 if nursing else 60_00,
            premium_fund=self.funds[Programme(programme.value)],
            cover_fen=9_000_00 if nursing else 120_000_00,
            enrolled_on=starts_on,
        )
        body = self.app.handle(caseworker, EnrolPolicy(family.id, terms)).body
        self.tally.policies += 1
        return UUID(body["id"])

    def _nursing(
        self, family: Family, caseworker: Principal, member_id: str, policy_id: UUID | None
    ) -> None:
        admitted_on = random_day(
            self.rng, self.year_start + dt.timedelta(days=10), self.today - dt.timedelta(days=60)
        )
        days = self.rng.randint(3, 15)
        request = ClaimRequest(
            kind=ClaimKind.NURSING_SUBSIDY,
            member_id=member_id,
            fund_id=None if policy_id else self.funds[Programme.NURSING_SUBSIDY],
            policy_id=policy_id,
            hospital=self.rng.choice(HOSPITALS),
            hospital_tier=self.rng.choice((2, 3, 3)),
            admitted_on=admitted_on,
            discharged_on=admitted_on + dt.timedelta(days=days),
            days=days,
        )
        self._take_through_its_life(family, caseworker, request, admitted_on + dt.timedelta(days))

    def _insurance(
        self, family: Family, caseworker: Principal, member_id: str, policy_id: UUID
    ) -> None:
        incident_on = random_day(
            self.rng, self.year_start + dt.timedelta(days=5), self.today - dt.timedelta(days=60)
        )
        request = ClaimRequest(
            kind=ClaimKind.INSURANCE,
            member_id=member_id,
            policy_id=policy_id,
            incident_on=incident_on,
            description=self.rng.choice(
                ("农忙时摔伤，腿部骨折", "骑电动车摔伤住院", "烫伤门诊治疗")
            ),
            amount_fen=self.rng.randint(20, 120) * 100_00,
        )
        self._take_through_its_life(family, caseworker, request, incident_on)

    def _aid(self, family: Family, caseworker: Principal, alive: list[MemberData]) -> None:
        if self.rng.random() < 0.5:
            return
        young = [m for m in alive if m["relation"] in ("child", "grandchild")]
        education = bool(young) and self.rng.random() < 0.5
        member = self.rng.choice(young) if education else alive[0]
        claimed_on = random_day(
            self.rng, self.year_start + dt.timedelta(days=5), self.today - dt.timedelta(days=45)
        )
        kind = ClaimKind.EDUCATION_AID if education else ClaimKind.HARDSHIP_GRANT
        request = ClaimRequest(
            kind=kind,
            member_id=str(member["member_id"]),
            fund_id=self.funds[Programme(kind.value)],
            amount_fen=self.rng.randint(5, 20) * 100_00,
            reason="考入大学，家庭经济困难" if education else "因病致贫，生活困难",
            claimed_on=claimed_on,
        )
        self._take_through_its_life(family, caseworker, request, claimed_on)

    def _take_through_its_life(
        self, family: Family, caseworker: Principal, request: ClaimRequest, dated: dt.date
    ) -> None:
        outcome = next(self.outcomes)
        submitted_on = dated + dt.timedelta(days=self.rng.randint(1, 10))
        claim_id = UUID(
            self.app.handle(
                caseworker, SubmitClaim(family.id, request, submitted_on=submitted_on)
            ).body["id"]
        )
        decided_on = submitted_on + dt.timedelta(days=self.rng.randint(2, 7))
        supervisor = self.actors.supervisor
        status = ClaimStatus.SUBMITTED
        if outcome == ClaimStatus.REJECTED:
            self.app.handle(
                supervisor,
                RejectClaim(
                    claim_id, reason="住院材料不全，请补充出院小结", rejected_on=decided_on
                ),
            )
            status = ClaimStatus.REJECTED
        elif outcome == ClaimStatus.CANCELLED:
            canceller = caseworker
            if self.tally.claims[ClaimStatus.CANCELLED.value] % 2:
                # Every other cancellation comes after approval, voiding the reservation.
                self.app.handle(supervisor, ApproveClaim(claim_id, approved_on=decided_on))
                canceller = supervisor
            self.app.handle(
                canceller, CancelClaim(claim_id, reason="家属撤回申请", cancelled_on=decided_on)
            )
            status = ClaimStatus.CANCELLED
        elif outcome in (ClaimStatus.APPROVED, ClaimStatus.PAID):
            self.app.handle(supervisor, ApproveClaim(claim_id, approved_on=decided_on))
            status = ClaimStatus.APPROVED
        if outcome == ClaimStatus.PAID:
            payer = supervisor if self.rng.random() < 0.7 else self.actors.finance
            paid_on = decided_on + dt.timedelta(days=self.rng.randint(1, 5))
            reference = f"NX{paid_on:%Y%m%d}{claim_id.hex[:6].upper()}"
            self.app.handle(payer, PayClaim(claim_id, paid_on=paid_on, reference=reference))
            status = ClaimStatus.PAID
        self.tally.claims[status.value] += 1
