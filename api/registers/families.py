"""A families register: rows of one 户编号 form one household, validated by the API's own
request model (`FamilyCreate`) and registered by the API's own command."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from api.registers.outcomes import (
    IMPORTED,
    Outcome,
    Prepared,
    Problem,
    problem_of,
    problems_of,
)
from api.registers.reading import Row
from api.registers.values import date_text
from api.registers.wording import (
    CATEGORIES,
    FAMILY_FIELDS,
    GENDERS,
    PERSON_FIELDS,
    RELATIONS,
    choices,
)
from api.schemas.families import FamilyCreate
from application.app import Nuanxin
from application.cases import family_in_scope
from application.handling import CommandResult
from application.imports import family_holding_resident
from application.principal import Principal
from domain.errors import DomainError, DuplicateResidentError
from domain.old_resident_ids import is_old_resident_id, upgrade_old_resident_id
from domain.values import Relation

HOUSEHOLD = "户编号"
HOUSEHOLD_FIELDS = ("区划代码", "家庭类别", "家庭住址", "登记日期")


def households(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Consecutive rows with the same 户编号. A number met again after another household is
    a household of its own, refused by `HouseholdPreparer.prepare` (its first part may be saved)."""
    current: list[Row] = []
    for row in rows:
        if current and row.text(HOUSEHOLD) != current[0].text(HOUSEHOLD):
            yield current
            current = []
        current.append(row)
    if current:
        yield current


class HouseholdPreparer:
    """Turns a household's rows into the command that registers it, or into problems."""

    def __init__(self, app: Nuanxin, principal: Principal) -> None:
        self.app = app
        self.principal = principal
        self.first_row_of: dict[str, int] = {}

    def prepare(self, rows: list[Row]) -> Prepared:
        numbers = [row.number for row in rows]
        problems = self._grouping_problems(rows)
        if problems:
            return Prepared(numbers, problems=problems)
        heads = [row for row in rows if row.text("与户主关系") == "户主"]
        if len(heads) != 1:
            message = "本户没有户主行" if not heads else "本户有不止一个户主"
            return Prepared(numbers, problems=[Problem(n, "与户主关系", message) for n in numbers])
        head = heads[0]
        others = [row for row in rows if row is not head]
        warnings: list[Problem] = []
        payload = self._household(head, others, problems)
        payload["head"] = self._person(head, problems, warnings, is_head=True)
        payload["members"] = [self._person(row, problems, warnings) for row in others]
        order = [head, *others]
        place = _placer(order)
        try:
            body = FamilyCreate.model_validate(payload)
        except ValidationError as error:
            reported = {(p.row, p.field) for p in problems}
            problems += [p for p in problems_of(error, place) if (p.row, p.field) not in reported]
        if problems:
            return Prepared(
                numbers, problems=_whole_household(problems, numbers), warnings=warnings
            )
        return Prepared(
            numbers,
            command=lambda: self._register(body, order),
            warnings=warnings,
            interpret=lambda result: _interpret(result, place, head.number, numbers),
        )

    def _grouping_problems(self, rows: list[Row]) -> list[Problem]:
        number = rows[0].text(HOUSEHOLD)
        if not number:
            return [Problem(row.number, HOUSEHOLD, "必填，不能为空") for row in rows]
        first = self.first_row_of.setdefault(number, rows[0].number)
        if first != rows[0].number:
            message = f"同一户的行应连在一起：户编号 {number} 在第 {first} 行已出现"
            return [Problem(row.number, HOUSEHOLD, message) for row in rows]
        return []

    def _household(self, head: Row, others: list[Row], problems: list[Problem]) -> dict[str, Any]:
        for row in others:
            for heading in HOUSEHOLD_FIELDS:
                value = row.text(heading)
                if value and value != head.text(heading):
                    problems.append(
                        Problem(row.number, heading, f"与户主行（第 {head.number} 行）不一致")
                    )
        category = head.text("家庭类别")
        if category not in CATEGORIES:
            problems.append(Problem(head.number, "家庭类别", choices(CATEGORIES)))
        return {
            "region_code": head.text("区划代码"),
            "category": CATEGORIES.get(category, category),
            "address": head.text("家庭住址"),
            "registered_on": date_text(head.text("登记日期")),
        }

    def _person(
        self, row: Row, problems: list[Problem], warnings: list[Problem], *, is_head: bool = False
    ) -> dict[str, Any]:
        person: dict[str, Any] = {
            "name": row.text("姓名"),
            "id_number": row.text("公民身份号码").upper(),
            "birth_date": date_text(row.text("出生日期")),
            "gender": GENDERS.get(row.text("性别"), row.text("性别")),
        }
        if row.text("性别") not in GENDERS:
            problems.append(Problem(row.number, "性别", choices(GENDERS)))
        if is_old_resident_id(person["id_number"]):
            person["id_number"] = upgrade_old_resident_id(person["id_number"])
            warnings.append(
                Problem(
                    row.number,
                    "公民身份号码",
                    f"15位旧号码，已按 GB 11643-1999 升为18位 {person['id_number']}，请核对",
                )
            )
        if row.text("联系电话"):
            person["phone"] = row.text("联系电话")
        if not is_head:
            relation = RELATIONS.get(row.text("与户主关系"))
            if relation is None or relation == Relation.HEAD:
                problems.append(Problem(row.number, "与户主关系", choices(RELATIONS)))
            person["relation"] = relation or row.text("与户主关系")
        return person

    def _register(self, body: FamilyCreate, order: list[Row]) -> CommandResult | Outcome:
        """A household any of whose residents is already registered, in any family, open or
        closed, and in any region, is skipped: importing it would be a second case file."""
        people = [body.head, *body.members]
        for row, person in zip(order, people, strict=True):
            holder = family_holding_resident(self.app, person.id_number)
            if holder is not None:
                return Outcome("skipped", [_already_registered(row.number, holder, self)])
        return self.app.handle(self.principal, body.command())


def _already_registered(row: int, holder: Any, preparer: HouseholdPreparer) -> Problem:
    try:
        family = family_in_scope(preparer.app, preparer.principal, holder)
    except DomainError:
        return Problem(row, "公民身份号码", "已登记在其他区划的一户中，本户未导入")
    return Problem(row, "公民身份号码", f"已登记（家庭 {family.id}），本户未导入")


def _placer(order: list[Row]) -> Any:
    def place(location: tuple[Any, ...]) -> tuple[int, str]:
        if location and location[0] == "head":
            return order[0].number, PERSON_FIELDS.get(str(location[-1]), "公民身份号码")
        if len(location) >= 2 and location[0] == "members" and str(location[1]).isdigit():
            index = int(location[1]) + 1
            row = order[index].number if index < len(order) else order[0].number
            heading = PERSON_FIELDS.get(str(location[2]), "姓名") if len(location) > 2 else "姓名"
            return row, heading
        return order[0].number, FAMILY_FIELDS.get(str(location[0]) if location else "", "户编号")

    return place


def _whole_household(problems: list[Problem], numbers: list[int]) -> list[Problem]:
    """Nothing of a household is half-imported: its good rows say why they were not."""
    bad = {problem.row for problem in problems}
    first_bad = min(bad)
    return problems + [
        Problem(n, HOUSEHOLD, f"同户第 {first_bad} 行有误，本户未导入")
        for n in numbers
        if n not in bad
    ]


def _interpret(result: Any, place: Any, head_row: int, numbers: list[int]) -> Outcome:
    if isinstance(result, Outcome):
        return result
    if isinstance(result, CommandResult):
        return IMPORTED
    if isinstance(result, DuplicateResidentError):
        row, heading = place(tuple((result.field or "head.id_number").split(".")))
        return Outcome("skipped", [Problem(row, heading, "已登记在另一户中，本户未导入")])
    assert isinstance(result, DomainError)
    problem = problem_of(result, place, (head_row, "户编号"))
    return Outcome("rejected", _whole_household([problem], numbers))
