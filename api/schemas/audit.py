"""Bodies of the auditor's endpoints: verification findings and seals."""

from __future__ import annotations

from api.schemas.common import StrictModel


class VerifyProblem(StrictModel):
    account_id: str | None
    """The aggregate the problem is in: an account, or for transfer and seal problems that
    transfer or seal (see `aggregate`)."""
    version: int | None
    problem: str
    detail: str
    aggregate: str
    position: int


class VerifyResult(StrictModel):
    ok: bool
    checked: int
    problems: list[VerifyProblem]


class SealPublic(StrictModel):
    id: str
    version: int
    sequence: int
    position: int
    accounts: int
    root_hash: str
    previous_seal_id: str | None
    previous_seal_hash: str
    seal_hash: str
    sealed_at: str
    sealed_by: str
    sealed_by_id: str


class SealList(StrictModel):
    items: list[SealPublic]
    total: int
    limit: int
    offset: int
