"""The shape of a plan: the county's places and cadres, and the steps that happen to each
family, in the order they are recorded. `planning` fills it; `loading` saves it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from application.demo.catalogue import Goods
from domain.family import Contact, NewMember, PersonDetails
from domain.service import Goods as GoodsRecord
from domain.service import ServiceChanges
from domain.values import FamilyCategory, Occasion, ServiceKind


@dataclass(frozen=True)
class Cadre:
    name: str
    phone: str
    position: str

    def as_contact(self) -> Contact:
        return {"name": self.name, "phone": self.phone, "position": self.position}


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    is_community: bool
    cadres: tuple[Cadre, ...]


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    villages: tuple[Village, ...]
    caseworker: Cadre
    other_cadre: Cadre
    doctors: tuple[str, ...]

    @property
    def is_street(self) -> bool:
        return self.name.endswith("街道")

    @property
    def health_centre(self) -> str:
        return f"{self.name}社区卫生服务中心" if self.is_street else f"{self.name}卫生院"


# -- steps: what happens to a family, in the order it is recorded -----------------------------

MemberRef = int
"""0 is the head, i >= 1 the i-th member as registered, then members added later."""


@dataclass(frozen=True)
class MarkDeceased:
    on: dt.date
    member: MemberRef


@dataclass(frozen=True)
class AddMember:
    on: dt.date
    member: NewMember


@dataclass(frozen=True)
class AssignContacts:
    on: dt.date
    township_contact: Contact
    village_contact: Contact


@dataclass(frozen=True)
class SignFamilyDoctor:
    on: dt.date
    doctor: str
    institution: str
    expires_on: dt.date


@dataclass(frozen=True)
class GrantGreenChannel:
    on: dt.date
    hospital: str


@dataclass(frozen=True)
class RecordService:
    on: dt.date
    ref: int
    kind: ServiceKind
    occasion: Occasion
    staff: tuple[str, ...]
    summary: str
    goods: Goods
    cash_fen: int = 0


@dataclass(frozen=True)
class CorrectService:
    on: dt.date
    ref: int
    reason: str
    changes: ServiceChanges


@dataclass(frozen=True)
class VoidService:
    on: dt.date
    ref: int
    reason: str


@dataclass(frozen=True)
class TransferFamily:
    on: dt.date
    to_region_code: str
    reason: str


@dataclass(frozen=True)
class CloseFamily:
    on: dt.date
    reason: str


@dataclass(frozen=True)
class ReopenFamily:
    on: dt.date
    reason: str


Step = (
    MarkDeceased
    | AddMember
    | AssignContacts
    | SignFamilyDoctor
    | GrantGreenChannel
    | RecordService
    | CorrectService
    | VoidService
    | TransferFamily
    | CloseFamily
    | ReopenFamily
)


@dataclass
class FamilyPlan:
    township: Township
    village: Village
    category: FamilyCategory
    head: PersonDetails
    members: list[NewMember]
    address: str
    registered_on: dt.date
    # Case changes recorded right after registration (a child who died before it, contacts...).
    setup: list[Step] = field(default_factory=list)
    # Services and later case changes, recorded in business-date order.
    services: list[RecordService] = field(default_factory=list)
    later: list[Step] = field(default_factory=list)

    @property
    def is_special(self) -> bool:
        return self.category in (
            FamilyCategory.BEREAVED,
            FamilyCategory.DISABLED_CHILD,
            FamilyCategory.SURGERY_COMPLICATION,
        )

    def steps(self) -> list[Step]:
        # A reopening comes before the day's services; otherwise the stable sort keeps a
        # correction or void after the service it names, and a closure after the day's services.
        timeline: list[Step] = [*self.services, *self.later]
        timeline.sort(key=lambda step: (step.on, 0 if isinstance(step, ReopenFamily) else 1))
        return [*self.setup, *timeline]

    def next_service_ref(self) -> int:
        return max((service.ref for service in self.services), default=-1) + 1

    def drop_between(self, first: dt.date, last: dt.date | None = None) -> None:
        """Nothing is delivered or signed while a family is closed, from `first` on (and
        before `last`, if it reopens then)."""

        def inside(step: Step) -> bool:
            return first <= step.on and (last is None or step.on < last)

        self.services = [service for service in self.services if not inside(service)]
        self.setup = [s for s in self.setup if isinstance(s, MarkDeceased) or not inside(s)]


@dataclass(frozen=True)
class CountyPlan:
    townships: tuple[Township, ...]
    supervisor_name: str
    families: list[FamilyPlan]


def goods_body(goods: Goods) -> list[GoodsRecord]:
    return [{"description": description, "value_fen": value} for description, value in goods]
