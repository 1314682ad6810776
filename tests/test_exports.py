"""Spreadsheet exports that auditors open in Excel: Chinese headings, typed cells, and no
formula from a client's text ever runs (DESIGN.md section 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.spreadsheets import XLSX
from tests.conftest import UserFactory
from tests.steps import open_fund, receive


@pytest.fixture
def admin(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("admin", None)


@pytest.fixture
def auditor(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("auditor", None)


@pytest.fixture
def hostile_fund(client: TestClient, admin: dict[str, str]) -> str:
    fund_id: str = open_fund(client, admin, name='=HYPERLINK("http://x.test","点我")')["id"]
    receive(client, admin, fund_id, "1000.00", reference="=2+5")
    return fund_id


def test_the_journal_csv_is_utf8_with_bom_named_and_headed_in_chinese(
    client: TestClient, auditor: dict[str, str], hostile_fund: str
) -> None:
    response = client.get("/api/v1/ledger/journal", headers=auditor | {"Accept": "text/csv"})

    assert response.content.startswith("\ufeff".encode())
    assert response.headers["content-disposition"] == 'attachment; filename="journal.csv"'
    headings = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert headings[:3] == ["日志序号", "业务日期", "记录时间"]


def test_no_cell_of_the_journal_csv_starts_a_formula(
    client: TestClient, auditor: dict[str, str], hostile_fund: str
) -> None:
    response = client.get("/api/v1/ledger/journal", headers=auditor | {"Accept": "text/csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_the_journal_xlsx_has_string_cells_for_text_numbers_for_money_dates_for_dates(
    client: TestClient, auditor: dict[str, str], hostile_fund: str
) -> None:
    response = client.get("/api/v1/ledger/journal", headers=auditor | {"Accept": XLSX})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    headings = [cell.value for cell in sheet[1]]
    row = {heading: cell for heading, cell in zip(headings, sheet[2], strict=True)}
    assert row["账户名称"].data_type == "s"
    assert row["金额（元）"].data_type == "n"
    assert float(row["金额（元）"].value) == 1000.00
    assert isinstance(row["业务日期"].value, dt.datetime)
    assert not any(cell.data_type == "f" for sheet_row in sheet.iter_rows() for cell in sheet_row)
