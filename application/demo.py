"""A realistic demo county, so that a new user sees something real at once (`nuanxin demo`).

The county is 长沙县 (430121, Hunan): eight townships with their villages and residents'
committees, a few hundred special and hardship families with valid resident IDs, their dual
contacts, family-doctor contracts and green channels, and a year of 暖心行动 services clustered
around Spring Festival, Dragon Boat, 5.29 member day and Mid-Autumn, with routine monthly contact
and a few emergencies. A handful of services are corrected or voided and a few families are
transferred, closed or reopened, so that every timeline feature has something to show.

Everything is drawn from `random.Random(seed)`, and it goes through the application's ordinary
commands as the demo caseworkers, so the events look exactly like real ones. The township and
village codes follow the statistical-code pattern (street 0xx, town 1xx; residents' committee
0xx, village committee 2xx) but are demo codes, not the official list.

It is meant for an empty data directory: loading it twice raises `DemoAlreadyLoadedError`
before anything is written.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from stdnum.cn import ric

from application.app import Nuanxin
from application.principal import Principal
from domain.errors import RuleViolatedError
from domain.ledger import FundSource, Programme
from domain.values import FamilyCategory, Gender, Occasion, Relation, Role, ServiceKind

COUNTY_CODE = "430121"
COUNTY_NAME = "长沙县"

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
    county = _plan_county(seed, families, today)
    first_head_id = county.families[0].head["id_number"] if county.families else None
    if first_head_id and app.resident_is_registered(first_head_id):
        raise DemoAlreadyLoadedError()

    users: list[DemoUser] = []
    principals: dict[str, Principal] = {}
    for township in county.townships:
        user = _add_demo_user(
            app, township.caseworker.name, Role.CASEWORKER, township.code, township.name
        )
        users.append(user)
        principals[township.code] = app.authenticate(user.token)
    users.append(
        _add_demo_user(app, county.supervisor_name, Role.SUPERVISOR, COUNTY_CODE, COUNTY_NAME)
    )

    township_funds = _fund_the_county(app, county, users)
    tally = _Tally()
    total = len(county.families)
    if progress:
        progress(0, total)
    for done, plan in enumerate(county.families, start=1):
        _load_family(
            app, principals[plan.township.code], plan, tally, township_funds[plan.township.code]
        )
        if progress:
            progress(done, total)

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
        funds=len(township_funds) + 1,
        cash_paid_fen=tally.cash_paid_fen,
        users=tuple(users),
    )


# -- the county's geography and people -------------------------------------------------------

# (township code suffix, name, residents' committees, village committees). Streets (街道) are
# urban and have only residents' committees (社区); towns (镇) have one town community and villages.
_TOWNSHIP_CATALOGUE: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "001",
        "星沙街道",
        ("天华社区", "东升社区", "星城社区", "松雅社区", "滨湖社区", "湘绣社区"),
        (),
    ),
    ("004", "榔梨街道", ("陶公庙社区", "临湘社区", "榔梨社区", "梨江社区"), ("龙华村", "保家村")),
    ("101", "黄兴镇", ("黄兴社区",), ("蓝田村", "沿江村", "黄兴新村", "光明村", "大塘村")),
    ("102", "江背镇", ("江背社区",), ("五福村", "印山村", "乌川村", "金洲村", "特立村")),
    ("103", "福临镇", ("福临铺社区",), ("影珠山村", "金坑桥村", "开物村", "福临村", "杨林村")),
    ("104", "路口镇", ("路口社区",), ("明月村", "上杉市村", "麻林村", "花园村", "新明村")),
    ("105", "春华镇", ("春华社区",), ("春华山村", "龙王庙村", "九木村", "金鼎山村", "大鱼村")),
    ("106", "果园镇", ("果园社区",), ("浔龙河村", "田汉村", "双河村", "新阳村", "花果村")),
)

_HOSPITALS = ("长沙县人民医院", "长沙县第一人民医院", "湖南省人民医院", "中南大学湘雅医院")
_HOSPITAL_WEIGHTS = (5, 3, 1, 1)

# The ten commonest surnames, plus some that are common in Hunan, less often.
_SURNAMES = "王李张刘陈杨黄赵周吴彭罗谭曾易邓胡"
_SURNAME_WEIGHTS = (9, 9, 8, 8, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3, 2, 2, 2)

# Given names by generation, so a grandmother is not called 梓涵.
# fmt: off
_GIVEN_NAMES: dict[tuple[str, Gender], tuple[str, ...]] = {
    ("elder", Gender.MALE): (
        "建国", "国强", "志明", "德华", "春生", "桂林", "长青", "铁军", "正清", "光明",
        "新民", "庆华", "满秋", "福生", "运良", "汉章", "海泉", "冬生", "炳坤", "振华",
    ),
    ("elder", Gender.FEMALE): (
        "桂英", "秀英", "淑珍", "玉兰", "春梅", "凤英", "美华", "冬梅", "桂兰", "菊香",
        "腊梅", "秋菊", "金凤", "满姣", "翠兰", "月娥", "素珍", "玉梅", "细妹", "爱华",
    ),
    ("young", Gender.MALE): (
        "伟", "强", "磊", "涛", "勇", "杰", "鹏", "浩", "俊", "明辉",
        "志强", "文斌", "建军", "海波", "晓东", "卫东", "智勇", "湘军", "振宇", "思远",
    ),
    ("young", Gender.FEMALE): (
        "丽", "芳", "静", "婷", "敏", "娟", "燕", "霞", "晓琳", "佳怡",
        "雨欣", "思敏", "湘云", "丽娟", "海燕", "艳红", "玉洁", "慧", "倩", "琴",
    ),
    ("child", Gender.MALE): ("梓轩", "浩然", "子墨", "宇航", "俊熙", "一鸣", "子涵", "睿"),
    ("child", Gender.FEMALE): ("梓涵", "欣怡", "诗涵", "可馨", "语桐", "若曦", "雨涵", "一诺"),
}
# fmt: on

_TOWNSHIP_CADRE_POSITIONS = ("计生协专干", "社会事务办干部", "党政办干部")
_VILLAGE_CADRE_POSITIONS = ("妇女主任", "计生专干", "村医", "协会会员", "村委委员")
_COMMUNITY_CADRE_POSITIONS = ("计生专干", "网格员", "社区医生", "协会会员")

# Lunar festivals fall on different Gregorian dates each year (农历正月初一, 五月初五, 八月十五).
# fmt: off
_FESTIVALS: dict[Occasion, tuple[dt.date, ...]] = {
    Occasion.SPRING_FESTIVAL: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17",
            "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03",
        )
    ),
    Occasion.DRAGON_BOAT: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-06-22", "2024-06-10", "2025-05-31", "2026-06-19",
            "2027-06-09", "2028-05-28", "2029-06-16", "2030-06-05",
        )
    ),
    Occasion.MID_AUTUMN: tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2023-09-29", "2024-09-17", "2025-10-06", "2026-09-25",
            "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12",
        )
    ),
}
# fmt: on

Goods = tuple[tuple[str, int], ...]
"""Goods in kind: (description, value in fen)."""

# Festival condolence money per special family (local practice, DOMAIN.md): 500 / 300 / 300.
_FESTIVAL_CASH_FEN: dict[Occasion, int] = {
    Occasion.SPRING_FESTIVAL: 50_000,
    Occasion.DRAGON_BOAT: 30_000,
    Occasion.MID_AUTUMN: 30_000,
}

_FESTIVAL_GOODS: dict[Occasion, tuple[Goods, ...]] = {
    Occasion.SPRING_FESTIVAL: (
        (("大米 25 公斤", 13000), ("食用油 5 升", 8500)),
        (("大米 10 公斤", 6000), ("食用油 5 升", 8500), ("腊肉 2 斤", 9000)),
        (("大米 25 公斤", 13000), ("食用油 5 升", 8500), ("棉被 1 床", 20000)),
    ),
    Occasion.DRAGON_BOAT: (
        (("粽子礼盒", 8800),),
        (("粽子礼盒", 8800), ("咸鸭蛋 20 枚", 3600)),
        (("粽子 20 个", 5000), ("牛奶 1 箱", 6000)),
    ),
    Occasion.MID_AUTUMN: (
        (("月饼礼盒", 12800),),
        (("月饼礼盒", 9800), ("水果", 5000)),
        (("月饼 1 盒", 6800), ("食用油 5 升", 8500)),
    ),
    Occasion.MAY29: (
        (("牛奶 1 箱", 6000),),
        (("暖心包（毛巾、洗衣液、香皂）", 5000),),
        (),
    ),
}

_FESTIVAL_SUMMARIES: dict[Occasion, tuple[str, ...]] = {
    Occasion.SPRING_FESTIVAL: (
        "春节走访慰问，送去米油和慰问金",
        "春节前上门走访，送去年货，与老人拉家常，了解过年准备情况",
        "春节前走访，帮老人贴春联、打扫卫生，叮嘱注意防寒保暖",
        "新春慰问，了解老人身体和生活情况，宣传特别扶助政策",
    ),
    Occasion.DRAGON_BOAT: (
        "端午节走访慰问，送去粽子",
        "端午前上门看望，一起包粽子话家常，了解老人身体情况",
        "端午节慰问，提醒老人汛期注意安全，检查房屋情况",
    ),
    Occasion.MID_AUTUMN: (
        "中秋节走访慰问，送去月饼，祝老人节日快乐",
        "中秋前上门陪老人聊天，送去节日慰问品",
        "中秋国庆走访，了解近期生活困难和就医需求",
    ),
    Occasion.MAY29: (
        "5·29会员活动日走访，宣传暖心行动和特别扶助政策",
        "5·29会员活动日，邀请老人参加暖心家园联谊活动",
        "5·29会员活动日上门慰问，核实家庭信息，更新联系方式",
    ),
}

_ROUTINE_SUMMARIES: dict[ServiceKind, tuple[str, ...]] = {
    ServiceKind.VISIT: (
        "月度上门走访，了解近况，老人身体状况稳定",
        "上门走访，核实家庭情况，更新联系电话",
        "上门看望，了解用药和就医情况，提醒按时复查",
        "上门走访，帮助老人办理医保缴费",
    ),
    ServiceKind.COMFORT: (
        "电话联系，询问近况，老人情绪平稳",
        "精神慰藉：与老人谈心，疏导思念子女的情绪",
        "心理咨询师随同上门，开展心理疏导",
        "组织参加暖心家园手工活动，结识同伴，老人心情较好",
    ),
    ServiceKind.VOLUNTEER: (
        "志愿者上门打扫卫生、整理房间",
        "志愿者上门理发、测量血压",
        "志愿者帮助检修电路、更换灯泡",
        "志愿者陪同老人散步聊天，代购生活用品",
    ),
}

_DISABLED_CHILD_SUMMARIES = (
    "上门看望残疾子女，协助申请残疾人两项补贴",
    "协助办理残疾证年审，了解康复训练情况",
    "上门走访，了解照护负担，联系康复机构上门指导",
)

_EMERGENCIES: tuple[tuple[ServiceKind, str, Goods], ...] = (
    (
        ServiceKind.MEDICAL_ESCORT,
        "户主突发疾病住院，联系人第一时间赶到医院看望，协助办理住院手续",
        (("营养品", 20000),),
    ),
    (ServiceKind.VOLUNTEER, "暴雨导致房屋漏雨，组织志愿者上门抢修", ()),
    (
        ServiceKind.VISIT,
        "老人在家跌倒受伤，联系人陪同就医，并安排志愿者照料",
        (("营养品", 15000),),
    ),
    (ServiceKind.VISIT, "寒潮来临，上门检查取暖设施，送去棉被", (("棉被 1 床", 20000),)),
)

_CORRECTION_REASONS = {
    "occurred_on": "走访日期录错，按走访登记表更正为实际日期",
    "goods": "慰问品金额录入有误，按采购发票更正",
    "summary": "补充走访情况",
}


@dataclass(frozen=True)
class _Cadre:
    name: str
    phone: str
    position: str

    def as_contact(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone, "position": self.position}


@dataclass(frozen=True)
class _Village:
    code: str
    name: str
    is_community: bool
    cadres: tuple[_Cadre, ...]


@dataclass(frozen=True)
class _Township:
    code: str
    name: str
    villages: tuple[_Village, ...]
    caseworker: _Cadre
    other_cadre: _Cadre
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
class _MarkDeceased:
    on: dt.date
    member: MemberRef


@dataclass(frozen=True)
class _AddMember:
    on: dt.date
    member: dict[str, Any]


@dataclass(frozen=True)
class _AssignContacts:
    on: dt.date
    township_contact: dict[str, Any]
    village_contact: dict[str, Any]


@dataclass(frozen=True)
class _SignFamilyDoctor:
    on: dt.date
    doctor: str
    institution: str
    expires_on: dt.date


@dataclass(frozen=True)
class _GrantGreenChannel:
    on: dt.date
    hospital: str


@dataclass(frozen=True)
class _RecordService:
    on: dt.date
    ref: int
    kind: ServiceKind
    occasion: Occasion
    staff: tuple[str, ...]
    summary: str
    goods: Goods
    cash_fen: int = 0


@dataclass(frozen=True)
class _CorrectService:
    on: dt.date
    ref: int
    reason: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class _VoidService:
    on: dt.date
    ref: int
    reason: str


@dataclass(frozen=True)
class _Transfer:
    on: dt.date
    to_region_code: str
    reason: str


@dataclass(frozen=True)
class _Close:
    on: dt.date
    reason: str


@dataclass(frozen=True)
class _Reopen:
    on: dt.date
    reason: str


_Step = (
    _MarkDeceased
    | _AddMember
    | _AssignContacts
    | _SignFamilyDoctor
    | _GrantGreenChannel
    | _RecordService
    | _CorrectService
    | _VoidService
    | _Transfer
    | _Close
    | _Reopen
)


@dataclass
class _FamilyPlan:
    township: _Township
    village: _Village
    category: FamilyCategory
    head: dict[str, Any]
    members: list[dict[str, Any]]
    address: str
    registered_on: dt.date
    # Case changes recorded right after registration (a child who died before it, contacts...).
    setup: list[_Step] = field(default_factory=list)
    # Services and later case changes, recorded in business-date order.
    services: list[_RecordService] = field(default_factory=list)
    later: list[_Step] = field(default_factory=list)

    @property
    def is_special(self) -> bool:
        return self.category in (
            FamilyCategory.BEREAVED,
            FamilyCategory.DISABLED_CHILD,
            FamilyCategory.SURGERY_COMPLICATION,
        )

    def steps(self) -> list[_Step]:
        # A reopening comes before the day's services; otherwise the stable sort keeps a
        # correction or void after the service it names, and a closure after the day's services.
        timeline: list[_Step] = [*self.services, *self.later]
        timeline.sort(key=lambda step: (step.on, 0 if isinstance(step, _Reopen) else 1))
        return [*self.setup, *timeline]

    def next_service_ref(self) -> int:
        return max((service.ref for service in self.services), default=-1) + 1

    def drop_between(self, first: dt.date, last: dt.date | None = None) -> None:
        """Nothing is delivered or signed while a family is closed, from `first` on (and
        before `last`, if it reopens then)."""

        def inside(step: _Step) -> bool:
            return first <= step.on and (last is None or step.on < last)

        self.services = [service for service in self.services if not inside(service)]
        self.setup = [s for s in self.setup if isinstance(s, _MarkDeceased) or not inside(s)]


@dataclass(frozen=True)
class _CountyPlan:
    townships: tuple[_Township, ...]
    supervisor_name: str
    families: list[_FamilyPlan]


# -- planning: pure, from the seed and today's date -------------------------------------------


def _plan_county(seed: int, families: int, today: dt.date) -> _CountyPlan:
    # Two streams: people (names, resident IDs, addresses) depend on the seed alone, so the
    # first family's resident ID identifies the demo on any day; dates depend on today.
    people = random.Random(f"nuanxin-demo-people-{seed}")
    calendar = random.Random(f"nuanxin-demo-calendar-{seed}")
    used_ids: set[str] = set()
    townships = tuple(_plan_township(people, entry) for entry in _TOWNSHIP_CATALOGUE)
    supervisor_name = _adult_name(people)
    # Towns have more special families than the urban streets; weight by villages.
    weights = [len(t.villages) * (1 if t.is_street else 2) for t in townships]
    categories = _categories(random.Random(f"nuanxin-demo-categories-{seed}"))
    plans: list[_FamilyPlan] = []
    for category in itertools.islice(categories, families):
        township = people.choices(townships, weights)[0]
        village = people.choice(township.villages)
        plans.append(_plan_family(people, calendar, township, village, category, today, used_ids))
    _plan_case_changes(calendar, plans, today, used_ids)
    _plan_corrections_and_voids(calendar, plans, today)
    return _CountyPlan(townships=townships, supervisor_name=supervisor_name, families=plans)


def _plan_township(
    rng: random.Random, entry: tuple[str, str, tuple[str, ...], tuple[str, ...]]
) -> _Township:
    suffix, name, communities, villages = entry
    code = COUNTY_CODE + suffix
    candidates = [(n, True) for n in communities] + [(n, False) for n in villages]
    count = rng.randint(3, min(6, len(candidates)))
    chosen = sorted(rng.sample(range(len(candidates)), count))
    planned: list[_Village] = []
    next_number = {True: 1, False: 201}
    for index in chosen:
        village_name, is_community = candidates[index]
        number = next_number[is_community]
        next_number[is_community] += 1
        positions = _COMMUNITY_CADRE_POSITIONS if is_community else _VILLAGE_CADRE_POSITIONS
        cadres = tuple(
            _Cadre(_adult_name(rng), _phone(rng), position) for position in rng.sample(positions, 2)
        )
        planned.append(_Village(f"{code}{number:03d}", village_name, is_community, cadres))
    caseworker = _Cadre(_adult_name(rng), _phone(rng), _TOWNSHIP_CADRE_POSITIONS[0])
    other = _Cadre(_adult_name(rng), _phone(rng), rng.choice(_TOWNSHIP_CADRE_POSITIONS[1:]))
    doctors = (_adult_name(rng), _adult_name(rng))
    return _Township(code, name, tuple(planned), caseworker, other, doctors)


# Families per category in each block of fifty: mostly special families, as in a real register.
_CATEGORY_DECK = {
    FamilyCategory.BEREAVED: 21,
    FamilyCategory.DISABLED_CHILD: 15,
    FamilyCategory.SURGERY_COMPLICATION: 3,
    FamilyCategory.HARDSHIP: 5,
    FamilyCategory.ONLY_CHILD: 3,
    FamilyCategory.TWO_DAUGHTERS: 3,
}


def _categories(rng: random.Random) -> Iterator[FamilyCategory]:
    """Shuffled blocks of `_CATEGORY_DECK`, so that even a small demo has the real mix rather
    than whatever independent draws happen to give."""
    while True:
        deck = [category for category, count in _CATEGORY_DECK.items() for _ in range(count)]
        rng.shuffle(deck)
        yield from deck


def _plan_family(
    people: random.Random,
    calendar: random.Random,
    township: _Township,
    village: _Village,
    category: FamilyCategory,
    today: dt.date,
    used_ids: set[str],
) -> _FamilyPlan:
    household = _plan_household(people, category, used_ids)
    # Most families were entered from the paper register a year or two ago; a few are new.
    recent = calendar.random() < 0.1
    if recent:
        registered_on = today - dt.timedelta(days=calendar.randint(45, 300))
    else:
        registered_on = today - dt.timedelta(days=calendar.randint(380, 730))
    plan = _FamilyPlan(
        township=township,
        village=village,
        category=category,
        head=household.head,
        members=household.members,
        address=_address(people, township, village),
        registered_on=registered_on,
    )
    if household.deceased_child is not None:
        child_birth: dt.date = plan.members[household.deceased_child - 1]["birth_date"]
        # The child lived to see its own child born.
        youngest: dt.date = max(m["birth_date"] for m in plan.members)
        not_before = youngest + dt.timedelta(days=365) if youngest > child_birth else child_birth
        died_on = _child_death_date(calendar, child_birth, not_before, registered_on, recent=recent)
        plan.setup.append(_MarkDeceased(died_on, household.deceased_child))
    _plan_support(calendar, plan, today)
    _plan_services(calendar, plan, today)
    return plan


@dataclass(frozen=True)
class _Household:
    head: dict[str, Any]
    members: list[dict[str, Any]]
    deceased_child: MemberRef | None


def _plan_household(rng: random.Random, category: FamilyCategory, used_ids: set[str]) -> _Household:
    surname = _surname(rng)
    # Mothers of special families are 49 or older (the allowance's age rule); fixed years keep
    # resident IDs independent of the day the demo is loaded.
    mother_born = _day_in_years(rng, 1945, 1974)
    father_born = _clamp(
        mother_born - dt.timedelta(days=rng.randint(-3 * 365, 6 * 365)),
        dt.date(1942, 1, 1),
        dt.date(1975, 12, 31),
    )
    mother = _person(rng, _surname(rng), Gender.FEMALE, mother_born, "elder", used_ids)
    father = _person(rng, surname, Gender.MALE, father_born, "elder", used_ids)
    father["phone"] = _phone(rng) if rng.random() < 0.9 else None
    mother["phone"] = _phone(rng) if rng.random() < 0.5 else None

    # A widowed or divorced single parent heads some special families.
    single_parent = category in (
        FamilyCategory.BEREAVED,
        FamilyCategory.DISABLED_CHILD,
    ) and (rng.random() < 0.15)
    if single_parent and rng.random() < 0.6:
        head, spouse = mother, None
        mother["phone"] = mother["phone"] or _phone(rng)
    elif single_parent:
        head, spouse = father, None
    elif category is FamilyCategory.SURGERY_COMPLICATION and rng.random() < 0.3:
        # The wife who suffered the complication is sometimes the registered head.
        head, spouse = mother, father
    else:
        head, spouse = father, mother
    members: list[dict[str, Any]] = []
    if spouse is not None:
        members.append({**spouse, "relation": Relation.SPOUSE.value})

    def child(gender: Gender, *, phone: bool = True) -> dict[str, Any]:
        born = _clamp(
            mother_born + dt.timedelta(days=rng.randint(21 * 365, 33 * 365)),
            dt.date(1966, 1, 1),
            dt.date(2005, 12, 31),
        )
        person = _person(rng, surname, gender, born, "young", used_ids)
        person["phone"] = _phone(rng) if phone and rng.random() < 0.4 else None
        return {**person, "relation": Relation.CHILD.value}

    deceased_child: MemberRef | None = None
    if category is FamilyCategory.BEREAVED:
        members.append(child(rng.choice(list(Gender)), phone=False))
        deceased_child = len(members)
        # Some bereaved grandparents are raising the child's own child.
        child_born: dt.date = members[-1]["birth_date"]
        if rng.random() < 0.12 and child_born.year <= 1995:
            grandchild_born = _day_in_years(rng, child_born.year + 23, 2018)
            grandchild = _person(
                rng, surname, rng.choice(list(Gender)), grandchild_born, "child", used_ids
            )
            members.append({**grandchild, "relation": Relation.GRANDCHILD.value})
    elif category is FamilyCategory.DISABLED_CHILD:
        members.append(child(rng.choice(list(Gender)), phone=False))
    elif category is FamilyCategory.TWO_DAUGHTERS:
        members.extend([child(Gender.FEMALE), child(Gender.FEMALE)])
    elif category is FamilyCategory.ONLY_CHILD:
        members.append(child(rng.choice(list(Gender))))
    else:
        for _ in range(rng.randint(1, 2)):
            members.append(child(rng.choice(list(Gender))))
        head_born: dt.date = head["birth_date"]
        if category is FamilyCategory.HARDSHIP and head_born.year >= 1960 and rng.random() < 0.5:
            # An elderly parent of the head, the family's other heavy care load.
            parent_born = _clamp(
                head_born - dt.timedelta(days=rng.randint(22 * 365, 30 * 365)),
                dt.date(1928, 1, 1),
                dt.date(1955, 12, 31),
            )
            parent = _person(rng, surname, rng.choice(list(Gender)), parent_born, "elder", used_ids)
            members.append({**parent, "relation": Relation.PARENT.value})
    head_record = {key: value for key, value in head.items() if key != "relation"}
    return _Household(head=head_record, members=members, deceased_child=deceased_child)


def _child_death_date(
    rng: random.Random, born: dt.date, not_before: dt.date, registered_on: dt.date, *, recent: bool
) -> dt.date:
    """A new family registers within months of the loss; one from the paper register lost
    its child years before it was entered."""
    if recent:
        earliest = registered_on - dt.timedelta(days=180)
        latest = registered_on - dt.timedelta(days=30)
    else:
        earliest = max(
            born + dt.timedelta(days=3 * 365), registered_on - dt.timedelta(days=25 * 365)
        )
        latest = registered_on - dt.timedelta(days=365)
    earliest = max(earliest, not_before)
    return _random_day(rng, min(earliest, latest), latest)


def _plan_support(rng: random.Random, plan: _FamilyPlan, today: dt.date) -> None:
    """The supporting systems: dual contacts, family doctor, green channel."""
    township, village = plan.township, plan.village
    if rng.random() < 0.9:
        township_contact = township.caseworker if rng.random() < 0.7 else township.other_cadre
        village_contact = rng.choice(village.cadres)
        plan.setup.append(
            _AssignContacts(
                on=min(today, plan.registered_on + dt.timedelta(days=rng.randint(0, 20))),
                township_contact=township_contact.as_contact(),
                village_contact=village_contact.as_contact(),
            )
        )
    if rng.random() < 0.7:
        # Contracts run a year and are (re)signed early in the year.
        signed_on = dt.date(today.year, 1, 1) + dt.timedelta(days=rng.randint(5, 80))
        if signed_on > today or signed_on < plan.registered_on:
            signed_on = min(today, plan.registered_on + dt.timedelta(days=rng.randint(7, 40)))
        plan.setup.append(
            _SignFamilyDoctor(
                on=signed_on,
                doctor=rng.choice(township.doctors),
                institution=township.health_centre,
                expires_on=_one_year_after(signed_on),
            )
        )
    green_channel_share = 0.45 if plan.category is FamilyCategory.BEREAVED else 0.2
    if rng.random() < green_channel_share:
        plan.setup.append(
            _GrantGreenChannel(
                on=min(today, plan.registered_on + dt.timedelta(days=rng.randint(10, 90))),
                hospital=rng.choices(_HOSPITALS, _HOSPITAL_WEIGHTS)[0],
            )
        )


def _plan_services(rng: random.Random, plan: _FamilyPlan, today: dt.date) -> None:
    """A year of services before today: festival visits, monthly contact, a rare emergency."""
    start = max(plan.registered_on, today - dt.timedelta(days=365))
    township_staff = plan.township.caseworker.name
    village_staff = [cadre.name for cadre in plan.village.cadres]
    green_channel = next((s for s in plan.setup if isinstance(s, _GrantGreenChannel)), None)

    def add(
        on: dt.date,
        kind: ServiceKind,
        occasion: Occasion,
        staff: Sequence[str],
        summary: str,
        goods: Goods = (),
        cash_fen: int = 0,
    ) -> None:
        if start <= on <= today:
            plan.services.append(
                _RecordService(
                    on, len(plan.services), kind, occasion, tuple(staff), summary, goods, cash_fen
                )
            )

    festival_share = 1.0 if plan.is_special else 0.35
    for occasion, dates in _FESTIVALS.items():
        for festival in dates:
            share = 0.85 if occasion is Occasion.SPRING_FESTIVAL else festival_share
            if plan.is_special or rng.random() < share:
                # Visits are made in the days before the festival, not on it.
                on = festival - dt.timedelta(days=rng.randint(1, 12))
                add(
                    on,
                    ServiceKind.VISIT,
                    occasion,
                    [township_staff, rng.choice(village_staff)],
                    rng.choice(_FESTIVAL_SUMMARIES[occasion]),
                    rng.choice(_FESTIVAL_GOODS[occasion]),
                    _FESTIVAL_CASH_FEN[occasion] if plan.is_special else 0,
                )
    for year in (today.year - 1, today.year):
        if plan.is_special and rng.random() < 0.55:
            on = dt.date(year, 5, 29) + dt.timedelta(days=rng.randint(-3, 3))
            add(
                on,
                ServiceKind.VISIT,
                Occasion.MAY29,
                [township_staff, rng.choice(village_staff)],
                rng.choice(_FESTIVAL_SUMMARIES[Occasion.MAY29]),
                rng.choice(_FESTIVAL_GOODS[Occasion.MAY29]),
            )

    # Contact at least monthly for special families (local practice); rarer for the others.
    monthly_share = 0.7 if plan.is_special else 0.15
    month = dt.date(start.year, start.month, 1)
    while month <= today:
        if rng.random() < monthly_share:
            on = month + dt.timedelta(days=rng.randint(0, 27))
            kind = _routine_kind(rng, plan.category)
            if kind is ServiceKind.MEDICAL_ESCORT:
                hospital = green_channel.hospital if green_channel else plan.township.health_centre
                summary = (
                    f"陪同到{hospital}复查，通过就医绿色通道优先挂号、就诊"
                    if green_channel
                    else f"陪同到{hospital}体检、取药"
                )
                add(on, kind, Occasion.ROUTINE, [rng.choice(village_staff)], summary)
            elif kind is ServiceKind.VOLUNTEER:
                staff = [rng.choice(village_staff), _adult_name(rng)]
                add(on, kind, Occasion.ROUTINE, staff, rng.choice(_ROUTINE_SUMMARIES[kind]))
            else:
                summaries = _ROUTINE_SUMMARIES[kind]
                if plan.category is FamilyCategory.DISABLED_CHILD and kind is ServiceKind.VISIT:
                    summaries = summaries + _DISABLED_CHILD_SUMMARIES
                staff = [rng.choice(village_staff)]
                if kind is ServiceKind.VISIT and rng.random() < 0.3:
                    staff.insert(0, township_staff)
                goods: Goods = (("水果", rng.choice((3000, 4000, 5000))),)
                add(
                    on,
                    kind,
                    Occasion.ROUTINE,
                    staff,
                    rng.choice(summaries),
                    goods if kind is ServiceKind.VISIT and rng.random() < 0.3 else (),
                )
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)

    if rng.random() < 0.05:
        kind, summary, goods = rng.choice(_EMERGENCIES)
        on = _random_day(rng, start, today)
        staff = [township_staff, rng.choice(village_staff)]
        add(on, kind, Occasion.EMERGENCY, staff, summary, goods)


def _routine_kind(rng: random.Random, category: FamilyCategory) -> ServiceKind:
    kinds = (
        ServiceKind.VISIT,
        ServiceKind.COMFORT,
        ServiceKind.VOLUNTEER,
        ServiceKind.MEDICAL_ESCORT,
    )
    weights = {
        FamilyCategory.BEREAVED: (35, 40, 15, 10),
        FamilyCategory.DISABLED_CHILD: (45, 15, 25, 15),
    }.get(category, (60, 20, 20, 0))
    return rng.choices(kinds, weights)[0]


def _plan_case_changes(
    rng: random.Random, plans: list[_FamilyPlan], today: dt.date, used_ids: set[str]
) -> None:
    """A transfer, closures and a reopening, a grandchild born: one family each where possible."""
    taken: set[int] = set()

    def pick(start_fraction: float, fits: Callable[[_FamilyPlan], bool]) -> _FamilyPlan | None:
        if not plans:
            return None
        start = int(len(plans) * start_fraction)
        for offset in range(len(plans)):
            index = (start + offset) % len(plans)
            if index not in taken and fits(plans[index]):
                taken.add(index)
                return plans[index]
        return None

    def settled(plan: _FamilyPlan) -> bool:
        return plan.registered_on < today - dt.timedelta(days=365)

    # Both parents of a bereaved family died during the year: condolence visit, then closed.
    def bereaved_couple(plan: _FamilyPlan) -> bool:
        return (
            plan.category is FamilyCategory.BEREAVED
            and bool(plan.members)
            and plan.members[0]["relation"] == Relation.SPOUSE
            and settled(plan)
        )

    couple = pick(0.2, bereaved_couple)
    if couple is not None:
        head_died = today - dt.timedelta(days=rng.randint(150, 220))
        spouse_died = head_died + dt.timedelta(days=rng.randint(40, 100))
        closed_on = spouse_died + dt.timedelta(days=rng.randint(7, 20))
        couple.drop_between(spouse_died)
        couple.later += [
            _MarkDeceased(head_died, 0),
            _MarkDeceased(spouse_died, 1),
            _Close(closed_on, "户主及配偶均已去世，按规定销户"),
        ]
        couple.services.append(
            _RecordService(
                head_died + dt.timedelta(days=1),
                couple.next_service_ref(),
                ServiceKind.VISIT,
                Occasion.EMERGENCY,
                (couple.township.caseworker.name, couple.village.cadres[0].name),
                "户主因病去世，联系人上门吊唁，协助料理后事，安抚配偶情绪",
                (("慰问品", 20000),),
            )
        )

    # A family that moved away to live with a child.
    moved = pick(0.45, lambda p: not p.is_special and settled(p))
    if moved is not None:
        closed_on = today - dt.timedelta(days=rng.randint(40, 90))
        moved.drop_between(closed_on)
        moved.later.append(_Close(closed_on, "随子女迁居广东省深圳市，户籍已迁出长沙县"))

    # A family that left for a while and came back: closed, then reopened.
    returned = pick(0.6, lambda p: p.is_special and settled(p))
    if returned is not None:
        closed_on = today - dt.timedelta(days=rng.randint(200, 260))
        reopened_on = closed_on + dt.timedelta(days=rng.randint(60, 100))
        returned.drop_between(closed_on, reopened_on)
        returned.later += [
            _Close(closed_on, "老人赴外地子女家长期居住，申请暂停联系服务"),
            _Reopen(reopened_on, "老人已返乡居住，恢复双岗联系和走访服务"),
        ]

    # Relocated to another village of the same township (易地搬迁).
    relocated = pick(0.75, lambda p: len(p.township.villages) > 1 and settled(p))
    if relocated is not None:
        destination = next(v for v in relocated.township.villages if v != relocated.village)
        relocated.later.append(
            _Transfer(
                today - dt.timedelta(days=rng.randint(60, 150)),
                destination.code,
                f"易地搬迁，安置到{relocated.township.name}{destination.name}",
            )
        )

    # A grandchild born into a hardship family.
    grown = pick(0.9, lambda p: p.category is FamilyCategory.HARDSHIP and settled(p))
    if grown is not None:
        born = today - dt.timedelta(days=rng.randint(90, 300))
        surname = grown.head["name"][0]
        grandchild = _person(rng, surname, rng.choice(list(Gender)), born, "child", used_ids)
        grandchild["phone"] = None
        member = {**grandchild, "relation": Relation.GRANDCHILD.value}
        grown.later.append(_AddMember(born + dt.timedelta(days=rng.randint(20, 60)), member))


def _plan_corrections_and_voids(
    rng: random.Random, plans: list[_FamilyPlan], today: dt.date
) -> None:
    """About one service in sixty is corrected, one in a hundred and fifty recorded twice by
    mistake and the duplicate voided: at fixed positions, so even a small demo has some."""
    position = 0
    for plan in plans:
        for service in list(plan.services):
            position += 1
            noted_on = min(today, service.on + dt.timedelta(days=rng.randint(1, 10)))
            if position % 60 == 30:
                plan.later.append(_plan_correction(rng, plan, service, noted_on))
            elif position % 150 == 75:
                duplicate = _RecordService(
                    service.on,
                    plan.next_service_ref(),
                    service.kind,
                    service.occasion,
                    service.staff,
                    service.summary,
                    service.goods,
                    service.cash_fen,
                )
                plan.services.append(duplicate)
                plan.later.append(
                    _VoidService(noted_on, duplicate.ref, "重复录入，同一次服务已有记录")
                )


def _plan_correction(
    rng: random.Random, plan: _FamilyPlan, service: _RecordService, noted_on: dt.date
) -> _CorrectService:
    earliest = max(plan.registered_on, service.on - dt.timedelta(days=3))
    # A paid service keeps its date: the payment carries it (void and re-record instead).
    what = rng.choice(
        ["goods", "summary"] if service.cash_fen else ["occurred_on", "goods", "summary"]
    )
    if what == "occurred_on" and earliest < service.on:
        changes: dict[str, Any] = {
            "occurred_on": _random_day(rng, earliest, service.on - dt.timedelta(days=1))
        }
    elif what == "goods" and service.goods:
        description, value_fen = service.goods[0]
        corrected = [(description, value_fen + rng.choice((-1000, -500, 500, 1000)))]
        changes = {"goods": _goods_body(tuple(corrected) + service.goods[1:])}
    else:
        what = "summary"
        changes = {"summary": service.summary + "。补充：老人反映腿脚不便，已联系村医上门"}
    return _CorrectService(noted_on, service.ref, _CORRECTION_REASONS[what], changes)


# -- people, places, dates ---------------------------------------------------------------------


def _surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]


def _adult_name(rng: random.Random) -> str:
    return _surname(rng) + rng.choice(_GIVEN_NAMES[("young", rng.choice(list(Gender)))])


def _person(
    rng: random.Random,
    surname: str,
    gender: Gender,
    born: dt.date,
    generation: str,
    used_ids: set[str],
) -> dict[str, Any]:
    return {
        "name": surname + rng.choice(_GIVEN_NAMES[(generation, gender)]),
        "id_number": _resident_id(rng, born, gender, used_ids),
        "birth_date": born,
        "gender": gender.value,
        "phone": None,
    }


def _resident_id(rng: random.Random, born: dt.date, gender: Gender, used_ids: set[str]) -> str:
    """Address code, birth date, a sequence number odd for men and even for women, and the
    ISO 7064 MOD 11-2 check character; never one already handed out."""
    while True:
        if gender is Gender.MALE:
            sequence = rng.randrange(0, 500) * 2 + 1  # 001 ... 999
        else:
            sequence = rng.randrange(1, 500) * 2  # 002 ... 998
        body = f"{COUNTY_CODE}{born:%Y%m%d}{sequence:03d}"
        # calc_check_digit expects the whole number and ignores its last character.
        number = body + ric.calc_check_digit(body + "0")
        if number not in used_ids:
            used_ids.add(number)
            return number


def _phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "137", "150", "152", "158", "173", "187")) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def _address(rng: random.Random, township: _Township, village: _Village) -> str:
    place = f"{COUNTY_NAME}{township.name}{village.name}"
    if village.is_community:
        building, unit = rng.randint(1, 30), rng.randint(1, 4)
        room = rng.randint(1, 18) * 100 + rng.randint(1, 4)
        return f"{place}{building}栋{unit}单元{room}室"
    return f"{place}{rng.randint(1, 16)}组{rng.randint(1, 60)}号"


def _goods_body(goods: Goods) -> list[dict[str, Any]]:
    return [{"description": description, "value_fen": value} for description, value in goods]


def _day_in_years(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    return _random_day(rng, dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _clamp(day: dt.date, first: dt.date, last: dt.date) -> dt.date:
    return min(max(day, first), last)


def _one_year_after(day: dt.date) -> dt.date:
    """The last day of a one-year contract that starts on `day`."""
    try:
        anniversary = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        anniversary = dt.date(day.year + 1, 3, 1)
    return anniversary - dt.timedelta(days=1)


# -- loading: through the application's own commands ----------------------------------------


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
    issued = app.add_user(name, role, region_code)
    return DemoUser(name, role, region_code, region_name, token=issued.token)


def _fund_the_county(app: Nuanxin, county: _CountyPlan, users: list[DemoUser]) -> dict[str, UUID]:
    """The county association's finance officer receives the provincial warm-heart budget a
    little before the first festival visit and allocates each township what its special
    families' festival money needs, with a margin; answers each township's fund id."""
    officer = _add_demo_user(app, "县计生协财务", Role.ADMIN, COUNTY_CODE, COUNTY_NAME)
    users.append(officer)
    users.append(_add_demo_user(app, "绩效评价审计", Role.AUDITOR, COUNTY_CODE, COUNTY_NAME))
    admin = app.authenticate(officer.token)
    needed = {township.code: 0 for township in county.townships}
    first_day = app.today()
    for plan in county.families:
        for service in plan.services:
            needed[plan.township.code] += service.cash_fen
            first_day = min(first_day, service.on)
    funded_on = first_day - dt.timedelta(days=14)
    allotments = {code: _round_up(fen * 11 // 10, 1_000_000) for code, fen in needed.items()}
    county_fund = UUID(
        app.open_fund(
            admin,
            source=FundSource.PROVINCIAL_BUDGET,
            region_code=COUNTY_CODE,
            programme=Programme.WARM_HEART,
            name=f"{COUNTY_NAME}暖心行动省级资金",
        ).body["id"]
    )
    app.record_receipt(
        admin,
        county_fund,
        amount_fen=_round_up(sum(allotments.values()) * 12 // 10, 10_000_000),
        payer="湖南省财政厅",
        received_on=funded_on,
        reference=f"湘财社指〔{funded_on.year}〕暖心行动专项",
    )
    funds: dict[str, UUID] = {}
    for township in county.townships:
        funds[township.code] = UUID(
            app.open_fund(
                admin,
                source=FundSource.PROVINCIAL_BUDGET,
                region_code=township.code,
                programme=Programme.WARM_HEART,
                name=f"{township.name}暖心行动资金",
            ).body["id"]
        )
        app.allocate(
            admin,
            from_fund=county_fund,
            to_fund=funds[township.code],
            amount_fen=max(allotments[township.code], 1_000_000),
            memo=f"下拨{township.name}节日慰问金",
            occurred_on=funded_on + dt.timedelta(days=3),
        )
    return funds


def _round_up(fen: int, unit: int) -> int:
    return -(-fen // unit) * unit


def _load_family(
    app: Nuanxin, principal: Principal, plan: _FamilyPlan, tally: _Tally, fund_id: UUID
) -> None:
    body = app.register_family(
        principal,
        region_code=plan.village.code,
        category=plan.category,
        head=plan.head,
        members=plan.members,
        address=plan.address,
        registered_on=plan.registered_on,
    ).body
    family_id = UUID(body["id"])
    member_ids: list[str] = [body["head"]["member_id"]]
    member_ids += [member["member_id"] for member in body["members"]]
    tally.families += 1
    tally.members += len(member_ids)
    service_ids: dict[int, UUID] = {}
    for step in plan.steps():
        match step:
            case _MarkDeceased():
                app.mark_member_deceased(principal, family_id, member_ids[step.member], step.on)
                tally.deceased_members += 1
            case _AddMember():
                added = app.add_member(principal, family_id, step.member, added_on=step.on)
                member_ids.append(added.body["member_id"])
                tally.members += 1
            case _AssignContacts():
                app.assign_contacts(
                    principal, family_id, step.township_contact, step.village_contact, step.on
                )
                tally.contacts_assigned += 1
            case _SignFamilyDoctor():
                app.sign_family_doctor(
                    principal,
                    family_id,
                    doctor=step.doctor,
                    institution=step.institution,
                    signed_on=step.on,
                    expires_on=step.expires_on,
                )
                tally.family_doctor_contracts += 1
            case _GrantGreenChannel():
                app.grant_green_channel(
                    principal, family_id, hospital=step.hospital, granted_on=step.on
                )
                tally.green_channels += 1
            case _RecordService():
                recorded = app.record_service(
                    principal,
                    family_id,
                    kind=step.kind,
                    occasion=step.occasion,
                    occurred_on=step.on,
                    staff=list(step.staff),
                    summary=step.summary,
                    goods=_goods_body(step.goods),
                    cash=(step.cash_fen, fund_id) if step.cash_fen else None,
                )
                tally.cash_paid_fen += step.cash_fen
                service_ids[step.ref] = UUID(recorded.body["id"])
                tally.services += 1
            case _CorrectService():
                app.correct_service(
                    principal, service_ids[step.ref], reason=step.reason, changes=step.changes
                )
                tally.corrected_services += 1
            case _VoidService():
                app.void_service(principal, service_ids[step.ref], reason=step.reason)
                tally.voided_services += 1
            case _Transfer():
                app.transfer_family(
                    principal,
                    family_id,
                    to_region_code=step.to_region_code,
                    transferred_on=step.on,
                    reason=step.reason,
                )
                tally.transferred_families += 1
            case _Close():
                app.close_family(principal, family_id, reason=step.reason, closed_on=step.on)
                tally.closed_families += 1
            case _Reopen():
                app.reopen_family(principal, family_id, reason=step.reason, reopened_on=step.on)
                tally.reopened_families += 1
