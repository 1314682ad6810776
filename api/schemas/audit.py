"""Bodies of the auditor's endpoints: verification findings, seal drafts and seals."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from api.schemas.common import StrictModel

PublicKeyText = Annotated[str, Field(min_length=1, max_length=200)]
"""An Ed25519 public key: base64 of its 32 raw bytes (the `.pub` file of `audit keygen`)."""


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
    aggregates: int | None
    """How many aggregates of the log the seal fixed; None for a legacy seal."""
    public_key: str | None
    signature: str | None
    """The auditor's Ed25519 signature (base64) over `message` of the draft; None for a
    legacy seal."""


class SealDraftRequest(StrictModel):
    public_key: PublicKeyText


class SealDraft(StrictModel):
    """What an auditor signs: sign the UTF-8 bytes of `message` with the private key, then
    POST /ledger/seals with `position`, `sealed_at`, `public_key` and the signature."""

    sequence: int
    position: int
    root_hash: str
    accounts: int
    aggregates: int
    touched: int
    """How many aggregates changed since the seal before it; the seal lists their heads."""
    previous_seal_id: str | None
    previous_seal_hash: str
    sealed_at: str
    sealed_by: str
    sealed_by_id: str
    public_key: str
    seal_hash: str
    message: str


class SealSigned(StrictModel):
    """A draft signed on the auditor's machine."""

    position: Annotated[int, Field(ge=0, le=10**15)]
    sealed_at: AwareDatetime
    public_key: PublicKeyText
    signature: Annotated[str, Field(min_length=1, max_length=200)]


class SealList(StrictModel):
    items: list[SealPublic]
    total: int
    limit: int
    offset: int
