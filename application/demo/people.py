"""The demo's people: households of a family category, names by generation, valid resident
IDs never handed out twice, phones and addresses."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from stdnum.cn import ric

from application.demo.catalogue import (
    COUNTY_CODE,
    COUNTY_NAME,
    GIVEN_NAMES,
    SURNAME_WEIGHTS,
    SURNAMES,
)
from application.demo.dates import clamp, day_in_years
from application.demo.plan import MemberRef, Township, Village
from domain.family import NewMember, PersonDetails
from domain.values import FamilyCategory, Gender, Relation


@dataclass(frozen=True)
class Household:
    head: PersonDetails
    members: list[NewMember]
    deceased_child: MemberRef | None


def plan_household(rng: random.Random, category: FamilyCategory, used_ids: set[str]) -> Household:
    surname = _surname(rng)
    # Mothers of special families are 49 or older (the allowance's age rule); fixed years keep
    # resident IDs independent of the day the demo is loaded.
    mother_born = day_in_years(rng, 1945, 1974)
    father_born = clamp(
        mother_born - dt.timedelta(days=rng.randint(-3 * 365, 6 * 365)),
        dt.date(1942, 1, 1),
        dt.date(1975, 12, 31),
    )
    mother = random_person(rng, _surname(rng), Gender.FEMALE, mother_born, "elder", used_ids)
    father = random_person(rng, surname, Gender.MALE, father_born, "elder", used_ids)
    father["phone"] = random_phone(rng) if rng.random() < 0.9 else None
    mother["phone"] = random_phone(rng) if rng.random() < 0.5 else None

    # A widowed or divorced single parent heads some special families.
    single_parent = category in (
        FamilyCategory.BEREAVED,
        FamilyCategory.DISABLED_CHILD,
    ) and (rng.random() < 0.15)
    if single_parent and rng.random() < 0.6:
        head, spouse = mother, None
        mother["phone"] = mother["phone"] or random_phone(rng)
    elif single_parent:
        head, spouse = father, None
    elif category is FamilyCategory.SURGERY_COMPLICATION and rng.random() < 0.3:
        # The wife who suffered the complication is sometimes the registered head.
        head, spouse = mother, father
    else:
        head, spouse = father, mother
    members: list[NewMember] = []
    if spouse is not None:
        members.append({**spouse, "relation": Relation.SPOUSE})

    def child(gender: Gender, *, phone: bool = True) -> NewMember:
        born = clamp(
            mother_born + dt.timedelta(days=rng.randint(21 * 365, 33 * 365)),
            dt.date(1966, 1, 1),
            dt.date(2005, 12, 31),
        )
        person = random_person(rng, surname, gender, born, "young", used_ids)
        person["phone"] = random_phone(rng) if phone and rng.random() < 0.4 else None
        return {**person, "relation": Relation.CHILD}

    deceased_child: MemberRef | None = None
    if category is FamilyCategory.BEREAVED:
        members.append(child(rng.choice(list(Gender)), phone=False))
        deceased_child = len(members)
        # Some bereaved grandparents are raising the child's own child.
        child_born: dt.date = members[-1]["birth_date"]
        if rng.random() < 0.12 and child_born.year <= 1995:
            grandchild_born = day_in_years(rng, child_born.year + 23, 2018)
            grandchild = random_person(
                rng, surname, rng.choice(list(Gender)), grandchild_born, "child", used_ids
            )
            members.append({**grandchild, "relation": Relation.GRANDCHILD})
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
            parent_born = clamp(
                head_born - dt.timedelta(days=rng.randint(22 * 365, 30 * 365)),
                dt.date(1928, 1, 1),
                dt.date(1955, 12, 31),
            )
            parent = random_person(
                rng, surname, rng.choice(list(Gender)), parent_born, "elder", used_ids
            )
            members.append({**parent, "relation": Relation.PARENT})
    return Household(head=head, members=members, deceased_child=deceased_child)


def _surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def random_adult_name(rng: random.Random) -> str:
    return _surname(rng) + rng.choice(GIVEN_NAMES[("young", rng.choice(list(Gender)))])


def random_person(
    rng: random.Random,
    surname: str,
    gender: Gender,
    born: dt.date,
    generation: str,
    used_ids: set[str],
) -> PersonDetails:
    return {
        "name": surname + rng.choice(GIVEN_NAMES[(generation, gender)]),
        "id_number": _resident_id(rng, born, gender, used_ids),
        "birth_date": born,
        "gender": gender,
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


def random_phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "137", "150", "152", "158", "173", "187")) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def random_address(rng: random.Random, township: Township, village: Village) -> str:
    place = f"{COUNTY_NAME}{township.name}{village.name}"
    if village.is_community:
        building, unit = rng.randint(1, 30), rng.randint(1, 4)
        room = rng.randint(1, 18) * 100 + rng.randint(1, 4)
        return f"{place}{building}栋{unit}单元{room}室"
    return f"{place}{rng.randint(1, 16)}组{rng.randint(1, 60)}号"
