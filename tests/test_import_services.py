"""`nuanxin import services FILE --cash-fund FUND`: past visits in, 慰问金 through the ledger,
row by row; and `nuanxin demo --export-register DIR` (DESIGN.md section 12)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from api.runtime import Runtime, open_runtime
from application.commands.ledger import OpenFund, RecordReceipt
from application.ledger import get_fund
from application.principal import Principal
from domain.ledger.vocabulary import FundSource, Programme
from domain.values import Role
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings
from tests.registers import Register, families_register, services_register
from tests.steps import cli_environment, stored_events

ADMIN = Principal("admin", "管理员", Role.ADMIN, None)
CASH_IN_REGISTER = 1100_00


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    yield
    configure_logging("warning")


def nuanxin(settings: Settings, *args: str) -> Result:
    env = cli_environment(settings)
    return CliRunner().invoke(main, list(args), env=env)


def opened(settings: Settings) -> Runtime:
    return open_runtime(settings, run_projections=False)


def fund_with(settings: Settings, fen: int) -> str:
    runtime = opened(settings)
    try:
        app = runtime.app
        fund = UUID(
            app.handle(
                ADMIN,
                OpenFund(
                    source=FundSource.PROVINCIAL_BUDGET,
                    region_code="430121",
                    programme=Programme.WARM_HEART,
                    name="长沙县暖心行动资金",
                ),
            ).body["id"]
        )
        app.handle(
            ADMIN,
            RecordReceipt(
                fund,
                amount_fen=fen,
                payer="湖南省财政厅",
                received_on=dt.date(2025, 1, 1),
                reference="",
            ),
            idempotency_key="receipt-1",
        )
        return str(fund)
    finally:
        runtime.close()


def available_fen(settings: Settings, fund_id: str) -> int:
    runtime = opened(settings)
    try:
        body = get_fund(runtime.app, ADMIN, UUID(fund_id))
    finally:
        runtime.close()
    whole, _, fraction = body["available"].partition(".")
    return int(whole) * 100 + int(fraction)


@pytest.fixture(params=["csv", "xlsx"])
def services_file(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> tuple[Path, Register]:
    """The households of a clean families register imported; the services register beside."""
    families = families_register()
    families.register.rows = families.register.rows[:6]
    families_path = families.register.write(tmp_path / f"families.{request.param}")
    assert nuanxin(settings, "import", "families", str(families_path)).exit_code == 0
    register = services_register(families.heads)
    return register.write(tmp_path / f"服务台账.{request.param}"), register


def errors_report(path: Path) -> list[dict[str, str]]:
    with path.with_name(path.name + ".errors.csv").open(encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def test_the_summary_counts_imported_skipped_and_rejected_rows(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, register = services_file
    fund = fund_with(settings, 5000_00)

    result = nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    assert result.exit_code == 1
    expected = f"imported 4, skipped 0 (already present), rejected {len(register.rejected)}"
    assert result.stdout.splitlines()[-1] == expected, result.output


def test_every_bad_service_row_is_reported_with_its_row_number_and_heading(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, register = services_file
    fund = fund_with(settings, 5000_00)

    nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    reported = {(int(row["行号"]), row["字段"]) for row in errors_report(path)}
    assert reported == set(register.rejected)


def test_condolence_money_is_paid_from_the_cash_fund_through_the_ledger(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, _ = services_file
    fund = fund_with(settings, 5000_00)

    nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    assert available_fen(settings, fund) == 5000_00 - CASH_IN_REGISTER


def test_a_row_that_would_overdraw_the_fund_is_rejected_and_nothing_of_it_is_saved(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, _ = services_file
    fund = fund_with(settings, 1000_00)

    result = nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    assert available_fen(settings, fund) == 1000_00 - 800_00
    assert any(r["行号"] == "4" and "余额不足" in r["错误"] for r in errors_report(path))
    assert result.stdout.splitlines()[-1].startswith("imported 3,")


def test_running_the_same_services_register_again_imports_nothing_twice(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, register = services_file
    fund = fund_with(settings, 5000_00)
    nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    again = nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    expected = f"imported 0, skipped 4 (already present), rejected {len(register.rejected)}"
    assert again.stdout.splitlines()[-1] == expected
    assert available_fen(settings, fund) == 5000_00 - CASH_IN_REGISTER


def test_rows_with_condolence_money_are_rejected_without_a_cash_fund(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, _ = services_file

    nuanxin(settings, "import", "services", str(path))

    cash_rows = {r["行号"] for r in errors_report(path) if "--cash-fund" in r["错误"]}
    assert cash_rows == {"2", "3", "4", "12"}


def test_imported_services_are_recorded_by_the_actor_import(
    settings: Settings, services_file: tuple[Path, Register]
) -> None:
    path, _ = services_file
    fund = fund_with(settings, 5000_00)

    nuanxin(settings, "import", "services", str(path), "--cash-fund", fund)

    runtime = opened(settings)
    try:
        recorded = [
            e.actor_name
            for e in stored_events(runtime)
            if type(e).__qualname__ == "ServiceRecord.Recorded"
        ]
    finally:
        runtime.close()
    assert recorded == ["import"] * 4


def test_the_demo_county_exported_as_registers_imports_cleanly(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "registers"
    exported = nuanxin(settings, "demo", "--export-register", str(folder), "--families", "12")
    assert exported.exit_code == 0, exported.output
    fund = fund_with(settings, 1_000_000_00)

    families = nuanxin(settings, "import", "families", str(folder / "families.xlsx"))
    services = nuanxin(
        settings, "import", "services", str(folder / "services.csv"), "--cash-fund", fund
    )

    assert families.stdout.splitlines()[-1] == (
        "imported 12, skipped 0 (already present), rejected 0"
    )
    assert services.exit_code == 0, services.output
    assert services.stdout.splitlines()[-1].endswith("rejected 0")
