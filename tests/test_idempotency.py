"""A retried Idempotency-Key answers the stored response, also for responses stored before
commands were dataclasses: each command's fingerprint hashes as the tuple its method built."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from application.commands import Command
from application.commands.cases import AddMember, RegisterFamily
from application.commands.claims import (
    ApproveClaim,
    CancelClaim,
    ClaimRequest,
    PayClaim,
    RejectClaim,
    SubmitClaim,
)
from application.commands.ledger import (
    Allocate,
    OpenFund,
    PostTransfer,
    RecordReceipt,
    VoidTransfer,
)
from application.commands.policies import EnrolPolicy, PolicyTerms
from application.commands.rules import AddRuleVersion
from application.commands.seals import SealLedger
from application.commands.services import CashPayment, CorrectService, RecordService, VoidService
from domain.claims.policy import PolicyProgramme
from domain.claims.pricing import ClaimKind
from domain.family import NewMember, PersonDetails
from domain.idempotency import IdempotentResponse
from domain.ledger.vocabulary import FundSource, Programme
from domain.seal import SealTerms
from domain.service import Goods
from domain.values import FamilyCategory, Gender, Occasion, Relation, ServiceKind
from tests.claim_steps import county, policy_payload
from tests.steps import FAMILIES, principal_of
from tests.support import family_payload

F = UUID("11111111-1111-4111-8111-111111111111")
S = UUID("22222222-2222-4222-8222-222222222222")
D = dt.date(2024, 3, 5)
HEAD: PersonDetails = {
    "name": "张三",
    "id_number": "430121195003051234",
    "birth_date": dt.date(1950, 3, 5),
    "gender": Gender.MALE,
    "phone": None,
}
MEMBER: NewMember = {
    "name": "李四",
    "id_number": "430121195204061236",
    "birth_date": dt.date(1952, 4, 6),
    "gender": Gender.FEMALE,
    "phone": "13800000000",
    "relation": Relation.SPOUSE,
}
GOODS: tuple[Goods, ...] = ({"description": "米", "value_fen": 5000},)
TERMS = PolicyTerms(
    member_id="m1",
    programme=PolicyProgramme.NURSING_SUBSIDY,
    insurer="人保",
    policy_number="P1",
    starts_on=D,
    ends_on=dt.date(2025, 3, 4),
    premium_fen=10000,
    premium_fund=S,
    cover_fen=500000,
)
SEAL_TERMS = SealTerms(
    sequence=1,
    position=42,
    root_hash="r",
    accounts=1,
    aggregates=2,
    touched=(),
    previous_seal_id=None,
    previous_seal_hash="g",
    sealed_at="2024-03-05T08:00:00+00:00",
    sealed_by="审计",
    sealed_by_id="u1",
    public_key="PUBKEY",
)

# Hashes of the tuples the command methods built before this change (commit 86c5c70), for
# the same values, computed by that code.
STORED_BEFORE: list[tuple[Command, str]] = [
    (
        RegisterFamily("430121", FamilyCategory.BEREAVED, HEAD, (MEMBER,), "长沙县某村", D),
        "fbeb9bf105bd065d0d014d9df978f8c95e7b298a91253ed3887203b7c1da1fce",
    ),
    (
        AddMember(F, MEMBER, D, expected_version=7),
        "d4fee017b9c416b10e3da88eaff18e37b1ed99062734acbc4cc8574e030fd2e5",
    ),
    (
        RecordService(
            F, ServiceKind.VISIT, Occasion.SPRING_FESTIVAL, D, ("王五",), "慰问", GOODS,
            CashPayment(20000, S),
        ),
        "1442f7edffd92d66ab1f41355148a23c9135659ba18f3091663dc248f64562f5",
    ),
    (
        RecordService(F, ServiceKind.VISIT, Occasion.SPRING_FESTIVAL, D, ("王五",), "慰问", ()),
        "994412890b69feb95b86c94884ad9de724bc62337cfcd84c158e05ad8053b9a6",
    ),
    (
        CorrectService(
            F, "写错了", {"kind": ServiceKind.VISIT, "occurred_on": D, "goods": list(GOODS)}, 3
        ),
        "270f6cc0f386b78c6fc8aa6db0f3301525430bb22cfb166d95d96a20ff6c672a",
    ),
    (VoidService(F, "重复"), "274e586f2dbe2d0a8c73aafd8ca8370ad00be094ba2a64d5521d646902f319b4"),
    (
        OpenFund(FundSource.PROVINCIAL_BUDGET, "430121", Programme.WARM_HEART, "基金"),
        "6acb98c917a0e5d70b3ae9d7c9848d060c4a1d25f54d0dcc91b3f458d3d17ffc",
    ),
    (
        RecordReceipt(F, 100000, "财政局", D, "R1"),
        "5bedd0fa72d50e74d94efe1a6cace49e1e26765f6e9b60ddd178da4bf3889c4f",
    ),
    (
        Allocate(F, S, 5000, "下拨", D, pending=True),
        "e2a908b6b4d07eea071f5b23267f1f6c43eeb03dfbaf86a7f6f0600f8eb87a6f",
    ),
    (PostTransfer(F, D), "61be9b35eaef4bc6578760d2cb277f8883395ca19fd1cb7392a2a32b3d7530c4"),
    (
        VoidTransfer(F, "错", D),
        "7bd70fcbc5b785a81fda9cead1e8c0ddbac8616e3ebe5cc9d13a1fae7d16c5ac",
    ),
    (
        SubmitClaim(
            F,
            ClaimRequest(
                ClaimKind.NURSING_SUBSIDY, "m1", fund_id=S, amount_fen=30000, claimed_on=D
            ),
            D,
        ),
        "ee189500dacb2518c05ca60bf84b481ebf9104c0360aeccb4976bd0ed309e8cd",
    ),
    (ApproveClaim(F, D), "efbc84e06448fa3dffdf93a274de3e304fb9ee3cefec9c710e983ae542a58fa1"),
    (
        RejectClaim(F, "不符", D),
        "f6c895f8eef6678c6661dfbde4e48c64147fdb3a2ba749268b9a56d328a0b7a2",
    ),
    (
        PayClaim(F, D, "BANK1"),
        "2a184d0bd523f16e092ba5e7a5ce0abee4160c65d236b940279b99f9520f9fb7",
    ),
    (
        CancelClaim(F, "撤", D),
        "68fdd4cb58c5c98717b5a37dda092ec609839767f2a34aec7ba292cadadf011c",
    ),
    (
        EnrolPolicy(F, TERMS),
        "adf970a743293ba0ac7326f8275597b69e31d90dd01ee3055a97ec42fe3627e5",
    ),
    (
        AddRuleVersion("nursing_subsidy", D, {"per_day": "120.00", "max_days_per_year": 90}),
        "847f9d66a96d04a748642e2caf150f9dabd770b8f7c9a8e396a09e23336455b6",
    ),
    (
        SealLedger(SEAL_TERMS, "SIG"),
        "a85d7d167e6f51e03e7966a4c2b891e49f3c7a31c7ee6fcfeed9dc540f355085",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "stored"), STORED_BEFORE, ids=[type(c).__name__ for c, _ in STORED_BEFORE]
)
def test_a_commands_fingerprint_is_the_one_stored_before_commands_were_dataclasses(
    command: Command, stored: str
) -> None:
    assert command.fingerprint() == stored


def test_the_version_a_request_expects_is_not_part_of_its_fingerprint() -> None:
    assert AddMember(F, MEMBER, D, 1).fingerprint() == AddMember(F, MEMBER, D, 2).fingerprint()


# -- through the API ---------------------------------------------------------------------------


def old_fingerprint(value: Any) -> str:
    """As the application hashed a command's tuple before commands were dataclasses."""
    encoded = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def store_old_response(
    runtime: Runtime, headers: dict[str, str], key: str, old_tuple: Any, body: dict[str, Any]
) -> None:
    user_id = principal_of(runtime, headers).user_id
    runtime.app.save(IdempotentResponse(user_id, key, old_fingerprint(old_tuple), body))


def test_a_family_registered_before_replays_its_stored_response(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    first = client.post(FAMILIES, json=payload, headers=caseworker | {"Idempotency-Key": "a"})
    assert first.status_code == 201, first.text
    old_tuple = (
        "register_family",
        payload["region_code"],
        payload["category"],
        payload["head"],
        payload["members"],
        payload["address"],
        payload["registered_on"],
    )
    stored = runtime.app.repository.get(IdempotentResponse.create_id(
        principal_of(runtime, caseworker).user_id, "a"
    )).body  # fmt: skip
    store_old_response(runtime, caseworker, "before", old_tuple, stored)

    retried = client.post(
        FAMILIES, json=payload, headers=caseworker | {"Idempotency-Key": "before"}
    )

    assert retried.status_code == 200, retried.text
    assert retried.json() == first.json()


def test_a_policy_enrolled_before_replays_its_stored_response(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
) -> None:
    place = county(client, admin, caseworker)
    payload = policy_payload(place.head_id, place.accident_fund)
    url = f"{FAMILIES}/{place.family_id}/policies"
    first = client.post(url, json=payload, headers=caseworker | {"Idempotency-Key": "p"})
    assert first.status_code == 201, first.text
    # The terms were hashed as their repr.
    terms = (
        f"PolicyTerms(member_id='{place.head_id}', "
        "programme=<PolicyProgramme.ACCIDENT_INSURANCE: 'accident_insurance'>, "
        "insurer='中国人寿长沙分公司', policy_number='ACC-2025-0001', "
        "starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31), "
        f"premium_fen=6000, premium_fund=UUID('{place.accident_fund}'), cover_fen=12000000, "
        "enrolled_on=None)"
    )
    store_old_response(
        runtime, caseworker, "before", ("enrol_policy", place.family_id, terms), first.json()
    )

    retried = client.post(url, json=payload, headers=caseworker | {"Idempotency-Key": "before"})

    assert retried.status_code == 200, retried.text
    assert retried.json() == first.json()


def test_a_key_stored_before_for_another_request_is_still_refused(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    other = ("register_family", "430121101002", "bereaved", payload["head"], [], "别处", None)
    store_old_response(runtime, caseworker, "before", other, {"id": "x"})

    retried = client.post(
        FAMILIES, json=payload, headers=caseworker | {"Idempotency-Key": "before"}
    )

    assert retried.status_code == 422, retried.text
