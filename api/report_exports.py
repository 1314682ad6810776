"""Reports as spreadsheets (`api.spreadsheets`): written from the body the caller may see,
after masking, so that a spreadsheet never shows more than the JSON."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.responses import public
from api.spreadsheets import Column, spreadsheet_response
from application.principal import Principal


@dataclass(frozen=True)
class Export:
    """What a report looks like as a sheet: its name, columns, and its rows taken from the
    (masked) JSON body."""

    name: str
    columns: Sequence[Column]
    rows: Callable[[dict[str, Any]], list[dict[str, Any]]]


def report_response(
    body: dict[str, Any],
    model: type[BaseModel],
    principal: Principal,
    accept: str,
    export: Export,
) -> Response:
    """JSON, or with `Accept: text/csv` or the XLSX media type a spreadsheet of the same
    figures as the caller may see them."""
    shaped = public(body, model, principal)
    spreadsheet = spreadsheet_response(
        accept, export.columns, export.rows(shaped), name=export.name
    )
    return spreadsheet or JSONResponse(shaped)
