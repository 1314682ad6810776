"""Reads of a family's personal data, recorded in the access log (DESIGN.md section 7) by the
route that serves them: who, when, which family, through which endpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request

from api.deps import PrincipalDep, RuntimeDep
from application.access_writer import AccessLogWriter
from application.principal import Principal
from domain.access import PersonalDataRead


@dataclass(frozen=True)
class PersonalDataReads:
    writer: AccessLogWriter
    principal: Principal
    endpoint: str

    def record(self, families: Iterable[tuple[str, str]]) -> None:
        """One record per family served: (family id, its region code)."""
        now = dt.datetime.now(dt.UTC)
        request_id = str(structlog.contextvars.get_contextvars().get("request_id", ""))
        self.writer.record(
            PersonalDataRead(
                user_id=self.principal.user_id,
                user_name=self.principal.name,
                role=self.principal.role.value,
                family_id=family_id,
                region_code=region_code,
                endpoint=self.endpoint,
                read_at=now,
                request_id=request_id,
            )
            for family_id, region_code in families
        )


def get_personal_data_reads(
    request: Request, runtime: RuntimeDep, principal: PrincipalDep
) -> PersonalDataReads:
    # The path as its template names it, so that the endpoint does not repeat the family id.
    template = request.url.path
    for name, value in request.path_params.items():
        template = template.replace(str(value), f"{{{name}}}")
    return PersonalDataReads(runtime.access, principal, f"{request.method} {template}")


PersonalDataReadsDep = Annotated[PersonalDataReads, Depends(get_personal_data_reads)]
