"""`nuanxin import families FILE`: a register of households in, through the API's validation
and commands, with a row-by-row error report (DESIGN.md section 12)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from api.runtime import Runtime, open_runtime
from application.commands.cases import RegisterFamily
from application.principal import Principal
from domain.values import FamilyCategory, Role
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings
from tests.registers import FamiliesRegister, families_register
from tests.steps import (
    cli_environment,
    log_position,
    stored_events,
)
from tests.support import family_payload

SUMMARY = "imported {}, skipped {} (already present), rejected {}"


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    yield
    configure_logging("warning")


@pytest.fixture(params=["csv", "xlsx"])
def register_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, FamiliesRegister]:
    register = families_register()
    return register.register.write(tmp_path / f"户籍台账.{request.param}"), register


def nuanxin(settings: Settings, *args: str) -> Result:
    env = cli_environment(settings)
    return CliRunner().invoke(main, list(args), env=env)


def opened(settings: Settings) -> Runtime:
    return open_runtime(settings, run_projections=False)


def errors_report(path: Path) -> list[dict[str, str]]:
    with path.with_name(path.name + ".errors.csv").open(encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def register_through_the_api(settings: Settings, id_number: str, region: str = "430121") -> str:
    runtime = opened(settings)
    try:
        head = family_payload()["head"] | {
            "id_number": id_number,
            "birth_date": dt.date(
                int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
            ),
        }
        caseworker = Principal("cw", "李敏", Role.CASEWORKER, region)
        command = RegisterFamily(
            region_code=f"{region}101001",
            category=FamilyCategory.BEREAVED,
            head=head,
            members=(),
            address="长沙县黄兴镇蓝田村3组12号",
        )
        result = runtime.app.handle(caseworker, command)
        return str(result.body["id"])
    finally:
        runtime.close()


def test_the_summary_counts_imported_skipped_and_rejected_households(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    register_through_the_api(settings, register.already_registered_id)

    result = nuanxin(settings, "import", "families", str(path))

    expected = SUMMARY.format(register.good_households, 1, register.bad_households)
    assert result.stdout.splitlines()[-1] == expected, result.output


def test_a_register_with_rejected_rows_exits_1(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, _ = register_file

    result = nuanxin(settings, "import", "families", str(path))

    assert result.exit_code == 1


def test_every_bad_row_is_reported_with_its_excel_row_number_and_heading(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file

    nuanxin(settings, "import", "families", str(path))

    reported = {(int(row["行号"]), row["字段"]) for row in errors_report(path)}
    missing = [place for place in register.register.rejected if place not in reported]
    assert not missing, reported


def test_the_error_report_says_what_is_wrong_in_chinese(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, _ = register_file

    nuanxin(settings, "import", "families", str(path))

    said = {(row["字段"], row["错误"]) for row in errors_report(path)}
    assert ("公民身份号码", "公民身份号码的校验码不对，请核对号码") in said
    assert ("家庭类别", "只能填 失独/伤残/节育手术并发症/困难/独生子女/双女") in said


def test_a_household_with_one_bad_row_is_not_imported_at_all(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file

    nuanxin(settings, "import", "families", str(path))

    runtime = opened(settings)
    try:
        names = [type(e).__qualname__ for e in stored_events(runtime)]
    finally:
        runtime.close()
    # B06: a good head and a member of an unknown relation: neither is registered.
    report = errors_report(path)
    assert any(r["字段"] == "户编号" and "本户未导入" in r["错误"] for r in report)
    # The good households, and H005, which nobody registered before this import.
    assert names.count("Family.Registered") == register.good_households + 1


def test_running_the_same_register_again_imports_nothing_twice(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    nuanxin(settings, "import", "families", str(path))
    runtime = opened(settings)
    position = log_position(runtime)
    runtime.close()

    again = nuanxin(settings, "import", "families", str(path))

    runtime = opened(settings)
    try:
        assert log_position(runtime) == position
    finally:
        runtime.close()
    expected = SUMMARY.format(0, register.good_households + 1, register.bad_households)
    assert again.stdout.splitlines()[-1] == expected


def test_a_resident_registered_through_the_api_is_skipped_with_the_reason(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    family_id = register_through_the_api(settings, register.already_registered_id)

    nuanxin(settings, "import", "families", str(path))

    with path.with_name(path.name + ".notes.csv").open(encoding="utf-8-sig") as stream:
        notes = [row["说明"] for row in csv.DictReader(stream)]
    assert any(family_id in note and "未导入" in note for note in notes)


def test_a_resident_registered_in_another_region_is_skipped_without_naming_the_family(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    runtime = opened(settings)
    runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121")
    runtime.close()
    family_id = register_through_the_api(settings, register.already_registered_id, "430181")

    result = nuanxin(settings, "import", "families", str(path), "--as", "李敏")

    notes = path.with_name(path.name + ".notes.csv").read_text(encoding="utf-8-sig")
    assert "其他区划" in notes
    assert family_id not in notes
    assert "skipped 1 (already present)" in result.stdout


def test_a_dry_run_validates_every_row_and_saves_nothing(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    runtime = opened(settings)
    position = log_position(runtime)
    runtime.close()

    result = nuanxin(settings, "import", "families", str(path), "--dry-run")

    runtime = opened(settings)
    try:
        assert log_position(runtime) == position
    finally:
        runtime.close()
    assert f"{register.good_households + 1} households would be imported" in result.stdout
    assert result.stdout.splitlines()[-1] == SUMMARY.format(0, 0, register.bad_households)


def test_an_old_15_digit_resident_id_is_imported_as_18_digits_with_a_warning(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file

    result = nuanxin(settings, "import", "families", str(path))

    notes = path.with_name(path.name + ".notes.csv").read_text(encoding="utf-8-sig")
    assert f"{register.old_id_row},公民身份号码,15位旧号码" in notes
    assert "warnings: 1" in result.stdout


def test_imported_events_are_recorded_by_the_actor_import(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, _ = register_file

    nuanxin(settings, "import", "families", str(path))

    runtime = opened(settings)
    try:
        actors = {
            e.actor_name
            for e in stored_events(runtime)
            if type(e).__qualname__.split(".")[0] in ("Family", "ResidentIndex")
        }
    finally:
        runtime.close()
    assert actors == {"import"}


def test_an_import_as_a_user_refuses_households_outside_their_region(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, register = register_file
    runtime = opened(settings)
    runtime.app.users.add_user("浏阳社工", Role.CASEWORKER, "430181")
    runtime.close()

    result = nuanxin(settings, "import", "families", str(path), "--as", "浏阳社工")

    assert result.stdout.splitlines()[-1] == SUMMARY.format(
        0, 0, register.good_households + register.bad_households + 1
    )
    assert any(r["字段"] == "区划代码" for r in errors_report(path))


def test_an_import_as_a_user_who_may_not_record_cases_is_refused_in_one_line(
    settings: Settings, register_file: tuple[Path, FamiliesRegister]
) -> None:
    path, _ = register_file
    runtime = opened(settings)
    runtime.app.users.add_user("审计员", Role.AUDITOR, None)
    runtime.close()

    result = nuanxin(settings, "import", "families", str(path), "--as", "审计员")

    assert result.exit_code != 0
    assert "may not" in result.output


def test_a_clean_register_exits_0_and_leaves_no_error_report(
    settings: Settings, tmp_path: Path
) -> None:
    register = families_register()
    register.register.rows = register.register.rows[:6]
    path = register.register.write(tmp_path / "clean.csv")

    result = nuanxin(settings, "import", "families", str(path))

    assert result.exit_code == 0, result.output
    assert not path.with_name("clean.csv.errors.csv").exists()


def test_a_register_without_a_required_heading_is_refused_whole(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("户编号,姓名\nH1,王秀英\n", encoding="utf-8")

    result = nuanxin(settings, "import", "families", str(path))

    assert result.exit_code != 0
    assert "与户主关系" in result.output
