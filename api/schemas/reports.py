"""Report bodies (DESIGN.md section 11): figures per child region, each row with the `drill`
links that list what makes its figures. Counts and money only: contacts on the overdue list
are the one personal datum, masked for those who may not see it."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from api.schemas.common import StrictModel
from api.schemas.personal import PersonName, PhoneNumber


class ReportPeriod(StrictModel):
    """`from` and `to` are Python keywords' neighbours: held under other names, shown as such."""

    model_config = ConfigDict(extra="forbid", serialize_by_alias=True, validate_by_name=True)

    date_from: dt.date | None = Field(alias="from", description="none: from the beginning")
    date_to: dt.date = Field(alias="to")


class Drill(StrictModel):
    families: str
    postings: str | None = None


class CoverageDrill(StrictModel):
    families: str
    with_contacts: str
    with_family_doctor: str
    with_green_channel: str
    insured: str
    visited_90d: str
    visited_4_in_365d: str


class ServiceFigures(StrictModel):
    households: int
    services: int
    cash: str
    goods: str
    total: str
    drill: Drill


class ServiceRow(ServiceFigures):
    region_code: str
    region_name: str


class ServicesReport(ReportPeriod):
    region: str | None
    occasion: str | None
    kind: str | None
    position: int
    rows: list[ServiceRow]
    totals: ServiceFigures


class CoverageFigures(StrictModel):
    families: int
    with_contacts: int
    with_contacts_rate: float | None
    with_family_doctor: int
    with_family_doctor_rate: float | None
    with_green_channel: int
    with_green_channel_rate: float | None
    insured: int
    insured_rate: float | None
    visited_90d: int
    visited_90d_rate: float | None
    visited_4_in_365d: int
    visited_4_in_365d_rate: float | None
    drill: CoverageDrill


class CoverageRow(CoverageFigures):
    region_code: str
    region_name: str


class CoverageReport(StrictModel):
    region: str | None
    as_of: dt.date
    position: int
    rows: list[CoverageRow]
    totals: CoverageFigures


class Contact(StrictModel):
    name: PersonName
    phone: PhoneNumber = None
    position: str | None = None


class Contacts(StrictModel):
    township_contact: Contact
    village_contact: Contact
    assigned_on: dt.date | None = None


class ReportFamily(StrictModel):
    """A family counted by a report: where it is, what it is, when it was last served."""

    family_id: str
    region_code: str
    region_name: str
    category: str
    status: str
    last_service_on: dt.date | None
    family: str = Field(description="the family's own URL")


class ServedFamily(ReportFamily):
    services: int
    cash: str
    goods: str
    total: str


class OverdueFamily(ReportFamily):
    days_since_last_service: int | None
    contacts: Contacts | None


class ReportFamilyList(StrictModel):
    position: int
    items: list[ReportFamily]
    total: int
    limit: int
    offset: int


class ServedFamilyList(StrictModel):
    position: int
    items: list[ServedFamily]
    total: int
    limit: int
    offset: int
    services: int
    cash: str
    goods: str


class OverdueReport(StrictModel):
    region: str | None
    days: int
    served_since: dt.date
    position: int
    items: list[OverdueFamily]
    total: int
    limit: int
    offset: int


class Posting(StrictModel):
    position: int
    occurred_on: dt.date
    fund_id: str
    account_name: str
    region_code: str | None
    transfer_id: str
    service_id: str | None
    amount: str
    memo: str | None


class PostingList(StrictModel):
    position: int
    items: list[Posting]
    total: int
    limit: int
    offset: int
    amount: str


class FundsDrill(StrictModel):
    postings: str


class FundFigures(StrictModel):
    funds: int
    received: str
    allocated_in: str
    allocated_out: str
    paid: str
    premiums: str
    available: str
    drill: FundsDrill


class FundRow(FundFigures):
    source: str
    programme: str


class FundsReport(ReportPeriod):
    region: str | None
    source: str | None
    position: int
    rows: list[FundRow]
    totals: FundFigures


class FlowPosting(StrictModel):
    position: int
    occurred_on: dt.date
    fund_id: str
    fund_name: str
    source: str
    programme: str
    region_code: str
    transfer_id: str
    flow: str = Field(description="the funds figure it adds to: received, allocated_in, ...")
    amount: str = Field(description="what it adds to that figure (a reversal subtracts)")
    memo: str | None


class FlowPostingList(StrictModel):
    position: int
    items: list[FlowPosting]
    total: int
    limit: int
    offset: int


class Indicator(StrictModel):
    indicator: str
    name: str
    value: float | None
    weight: float
    target: float
    score: float | None
    drill: str | None = Field(
        default=None, description="the list of what the value counts, where the scorecard has one"
    )


class CountyScore(StrictModel):
    region_code: str
    region_name: str
    indicators: list[Indicator]
    total: float | None = Field(description="out of 100, over the indicators with a value")


class Scorecard(StrictModel):
    region: str | None
    year: int
    as_of: dt.date
    position: int
    weights: dict[str, float]
    targets: dict[str, float]
    counties: list[CountyScore]


class ScorecardClaim(StrictModel):
    """A claim decided in the year, and whether within 30 days of its submission."""

    claim_id: str
    family_id: str
    region_code: str = Field(description="of the family when the claim was decided")
    region_name: str
    kind: str
    decision: str = Field(description="approved or rejected")
    submitted_on: dt.date
    decided_on: dt.date
    days: int
    in_time: bool = Field(description="decided within 30 days of submission")
    claim: str = Field(description="the claim's own URL")
    family: str = Field(description="the family's own URL")


class ScorecardClaimList(StrictModel):
    region: str | None
    year: int
    position: int
    items: list[ScorecardClaim]
    total: int = Field(description="claims decided in the year")
    in_time: int = Field(description="of them, decided within 30 days of submission")
    in_time_rate: float | None = Field(description="the scorecard's claims_decided_30d_rate")
    limit: int
    offset: int
