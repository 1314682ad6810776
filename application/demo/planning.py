"""Planning the demo county: pure, from the seed and today's date. Who lives where, and what
happens to each family over the year before today, as a `CountyPlan`; nothing is saved here."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator, Sequence

from application.demo.catalogue import (
    CATEGORY_DECK,
    COMMUNITY_CADRE_POSITIONS,
    CORRECTION_REASONS,
    COUNTY_CODE,
    DISABLED_CHILD_SUMMARIES,
    EMERGENCIES,
    FESTIVAL_CASH_FEN,
    FESTIVAL_GOODS,
    FESTIVAL_SUMMARIES,
    FESTIVALS,
    HOSPITAL_WEIGHTS,
    HOSPITALS,
    ROUTINE_SUMMARIES,
    TOWNSHIP_CADRE_POSITIONS,
    TOWNSHIP_CATALOGUE,
    VILLAGE_CADRE_POSITIONS,
    Goods,
)
from application.demo.dates import one_year_after, random_day
from application.demo.people import (
    plan_household,
    random_address,
    random_adult_name,
    random_person,
    random_phone,
)
from application.demo.plan import (
    AddMember,
    AssignContacts,
    Cadre,
    CloseFamily,
    CorrectService,
    CountyPlan,
    FamilyPlan,
    GrantGreenChannel,
    MarkDeceased,
    RecordService,
    ReopenFamily,
    SignFamilyDoctor,
    Township,
    TransferFamily,
    Village,
    VoidService,
    goods_body,
)
from domain.family import NewMember
from domain.service import ServiceChanges
from domain.values import FamilyCategory, Gender, Occasion, Relation, ServiceKind


def plan_county(seed: int, families: int, today: dt.date) -> CountyPlan:
    # Two streams: people (names, resident IDs, addresses) depend on the seed alone, so the
    # first family's resident ID identifies the demo on any day; dates depend on today.
    people = random.Random(f"nuanxin-demo-people-{seed}")
    calendar = random.Random(f"nuanxin-demo-calendar-{seed}")
    used_ids: set[str] = set()
    townships = tuple(_plan_township(people, entry) for entry in TOWNSHIP_CATALOGUE)
    supervisor_name = random_adult_name(people)
    # Towns have more special families than the urban streets; weight by villages.
    weights = [len(t.villages) * (1 if t.is_street else 2) for t in townships]
    categories = _categories(random.Random(f"nuanxin-demo-categories-{seed}"))
    plans: list[FamilyPlan] = []
    for category in itertools.islice(categories, families):
        township = people.choices(townships, weights)[0]
        village = people.choice(township.villages)
        plans.append(_plan_family(people, calendar, township, village, category, today, used_ids))
    _plan_case_changes(calendar, plans, today, used_ids)
    _plan_corrections_and_voids(calendar, plans, today)
    return CountyPlan(townships=townships, supervisor_name=supervisor_name, families=plans)


def _plan_township(
    rng: random.Random, entry: tuple[str, str, tuple[str, ...], tuple[str, ...]]
) -> Township:
    suffix, name, communities, villages = entry
    code = COUNTY_CODE + suffix
    candidates = [(n, True) for n in communities] + [(n, False) for n in villages]
    count = rng.randint(3, min(6, len(candidates)))
    chosen = sorted(rng.sample(range(len(candidates)), count))
    planned: list[Village] = []
    next_number = {True: 1, False: 201}
    for index in chosen:
        village_name, is_community = candidates[index]
        number = next_number[is_community]
        next_number[is_community] += 1
        positions = COMMUNITY_CADRE_POSITIONS if is_community else VILLAGE_CADRE_POSITIONS
        cadres = tuple(
            Cadre(random_adult_name(rng), random_phone(rng), position)
            for position in rng.sample(positions, 2)
        )
        planned.append(Village(f"{code}{number:03d}", village_name, is_community, cadres))
    caseworker = Cadre(random_adult_name(rng), random_phone(rng), TOWNSHIP_CADRE_POSITIONS[0])
    other = Cadre(
        random_adult_name(rng), random_phone(rng), rng.choice(TOWNSHIP_CADRE_POSITIONS[1:])
    )
    doctors = (random_adult_name(rng), random_adult_name(rng))
    return Township(code, name, tuple(planned), caseworker, other, doctors)


def _categories(rng: random.Random) -> Iterator[FamilyCategory]:
    """Shuffled blocks of `CATEGORY_DECK`, so that even a small demo has the real mix rather
    than whatever independent draws happen to give."""
    while True:
        deck = [category for category, count in CATEGORY_DECK.items() for _ in range(count)]
        rng.shuffle(deck)
        yield from deck


def _plan_family(
    people: random.Random,
    calendar: random.Random,
    township: Township,
    village: Village,
    category: FamilyCategory,
    today: dt.date,
    used_ids: set[str],
) -> FamilyPlan:
    household = plan_household(people, category, used_ids)
    # Most families were entered from the paper register a year or two ago; a few are new.
    recent = calendar.random() < 0.1
    if recent:
        registered_on = today - dt.timedelta(days=calendar.randint(45, 300))
    else:
        registered_on = today - dt.timedelta(days=calendar.randint(380, 730))
    plan = FamilyPlan(
        township=township,
        village=village,
        category=category,
        head=household.head,
        members=household.members,
        address=random_address(people, township, village),
        registered_on=registered_on,
    )
    if household.deceased_child is not None:
        child_birth: dt.date = plan.members[household.deceased_child - 1]["birth_date"]
        # The child lived to see its own child born.
        youngest: dt.date = max(m["birth_date"] for m in plan.members)
        not_before = youngest + dt.timedelta(days=365) if youngest > child_birth else child_birth
        died_on = _child_death_date(calendar, child_birth, not_before, registered_on, recent=recent)
        plan.setup.append(MarkDeceased(died_on, household.deceased_child))
    _plan_support(calendar, plan, today)
    _plan_services(calendar, plan, today)
    return plan


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
    return random_day(rng, min(earliest, latest), latest)


def _plan_support(rng: random.Random, plan: FamilyPlan, today: dt.date) -> None:
    """The supporting systems: dual contacts, family doctor, green channel."""
    township, village = plan.township, plan.village
    if rng.random() < 0.9:
        township_contact = township.caseworker if rng.random() < 0.7 else township.other_cadre
        village_contact = rng.choice(village.cadres)
        plan.setup.append(
            AssignContacts(
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
            SignFamilyDoctor(
                on=signed_on,
                doctor=rng.choice(township.doctors),
                institution=township.health_centre,
                expires_on=one_year_after(signed_on),
            )
        )
    green_channel_share = 0.45 if plan.category is FamilyCategory.BEREAVED else 0.2
    if rng.random() < green_channel_share:
        plan.setup.append(
            GrantGreenChannel(
                on=min(today, plan.registered_on + dt.timedelta(days=rng.randint(10, 90))),
                hospital=rng.choices(HOSPITALS, HOSPITAL_WEIGHTS)[0],
            )
        )


def _plan_services(rng: random.Random, plan: FamilyPlan, today: dt.date) -> None:
    """A year of services before today: festival visits, monthly contact, a rare emergency."""
    start = max(plan.registered_on, today - dt.timedelta(days=365))
    township_staff = plan.township.caseworker.name
    village_staff = [cadre.name for cadre in plan.village.cadres]
    green_channel = next((s for s in plan.setup if isinstance(s, GrantGreenChannel)), None)

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
                RecordService(
                    on, len(plan.services), kind, occasion, tuple(staff), summary, goods, cash_fen
                )
            )

    festival_share = 1.0 if plan.is_special else 0.35
    for occasion, dates in FESTIVALS.items():
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
                    rng.choice(FESTIVAL_SUMMARIES[occasion]),
                    rng.choice(FESTIVAL_GOODS[occasion]),
                    FESTIVAL_CASH_FEN[occasion] if plan.is_special else 0,
                )
    for year in (today.year - 1, today.year):
        if plan.is_special and rng.random() < 0.55:
            on = dt.date(year, 5, 29) + dt.timedelta(days=rng.randint(-3, 3))
            add(
                on,
                ServiceKind.VISIT,
                Occasion.MAY29,
                [township_staff, rng.choice(village_staff)],
                rng.choice(FESTIVAL_SUMMARIES[Occasion.MAY29]),
                rng.choice(FESTIVAL_GOODS[Occasion.MAY29]),
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
                staff = [rng.choice(village_staff), random_adult_name(rng)]
                add(on, kind, Occasion.ROUTINE, staff, rng.choice(ROUTINE_SUMMARIES[kind]))
            else:
                summaries = ROUTINE_SUMMARIES[kind]
                if plan.category is FamilyCategory.DISABLED_CHILD and kind is ServiceKind.VISIT:
                    summaries = summaries + DISABLED_CHILD_SUMMARIES
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
        kind, summary, goods = rng.choice(EMERGENCIES)
        on = random_day(rng, start, today)
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
    rng: random.Random, plans: list[FamilyPlan], today: dt.date, used_ids: set[str]
) -> None:
    """A transfer, closures and a reopening, a grandchild born: one family each where possible."""
    taken: set[int] = set()

    def pick(start_fraction: float, fits: Callable[[FamilyPlan], bool]) -> FamilyPlan | None:
        if not plans:
            return None
        start = int(len(plans) * start_fraction)
        for offset in range(len(plans)):
            index = (start + offset) % len(plans)
            if index not in taken and fits(plans[index]):
                taken.add(index)
                return plans[index]
        return None

    def settled(plan: FamilyPlan) -> bool:
        return plan.registered_on < today - dt.timedelta(days=365)

    # Both parents of a bereaved family died during the year: condolence visit, then closed.
    def bereaved_couple(plan: FamilyPlan) -> bool:
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
            MarkDeceased(head_died, 0),
            MarkDeceased(spouse_died, 1),
            CloseFamily(closed_on, "户主及配偶均已去世，按规定销户"),
        ]
        couple.services.append(
            RecordService(
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
        moved.later.append(CloseFamily(closed_on, "随子女迁居广东省深圳市，户籍已迁出长沙县"))

    # A family that left for a while and came back: closed, then reopened.
    returned = pick(0.6, lambda p: p.is_special and settled(p))
    if returned is not None:
        closed_on = today - dt.timedelta(days=rng.randint(200, 260))
        reopened_on = closed_on + dt.timedelta(days=rng.randint(60, 100))
        returned.drop_between(closed_on, reopened_on)
        returned.later += [
            CloseFamily(closed_on, "老人赴外地子女家长期居住，申请暂停联系服务"),
            ReopenFamily(reopened_on, "老人已返乡居住，恢复双岗联系和走访服务"),
        ]

    # Relocated to another village of the same township (易地搬迁).
    relocated = pick(0.75, lambda p: len(p.township.villages) > 1 and settled(p))
    if relocated is not None:
        destination = next(v for v in relocated.township.villages if v != relocated.village)
        relocated.later.append(
            TransferFamily(
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
        grandchild = random_person(rng, surname, rng.choice(list(Gender)), born, "child", used_ids)
        grandchild["phone"] = None
        member: NewMember = {**grandchild, "relation": Relation.GRANDCHILD}
        grown.later.append(AddMember(born + dt.timedelta(days=rng.randint(20, 60)), member))


def _plan_corrections_and_voids(
    rng: random.Random, plans: list[FamilyPlan], today: dt.date
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
                duplicate = RecordService(
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
                    VoidService(noted_on, duplicate.ref, "重复录入，同一次服务已有记录")
                )


def _plan_correction(
    rng: random.Random, plan: FamilyPlan, service: RecordService, noted_on: dt.date
) -> CorrectService:
    earliest = max(plan.registered_on, service.on - dt.timedelta(days=3))
    # A paid service keeps its date: the payment carries it (void and re-record instead).
    what = rng.choice(
        ["goods", "summary"] if service.cash_fen else ["occurred_on", "goods", "summary"]
    )
    if what == "occurred_on" and earliest < service.on:
        changes: ServiceChanges = {
            "occurred_on": random_day(rng, earliest, service.on - dt.timedelta(days=1))
        }
    elif what == "goods" and service.goods:
        description, value_fen = service.goods[0]
        corrected = [(description, value_fen + rng.choice((-1000, -500, 500, 1000)))]
        changes = {"goods": goods_body(tuple(corrected) + service.goods[1:])}
    else:
        what = "summary"
        changes = {"summary": service.summary + "。补充：老人反映腿脚不便，已联系村医上门"}
    return CorrectService(noted_on, service.ref, CORRECTION_REASONS[what], changes)
