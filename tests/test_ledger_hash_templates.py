"""The ledger's hashes are taken from precompiled templates of their canonical JSON (faster to
verify). Every stored entry, opening and transfer carries or is checked against these hashes,
so they may never change: the hashes of known fields are pinned here, and the templates are
held to the canonical encoder of the whole object over awkward values."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any
from uuid import UUID

import pytest

from domain.event_chain import event_chain_hash
from domain.hashing import canonical_date, canonical_uuid, json_text, sha256_of_canonical_json
from domain.ledger.hashing import account_opening_hash, ledger_entry_hash, transfer_terms_digest
from domain.ledger.vocabulary import (
    AccountKind,
    EntryPhase,
    FundSource,
    Programme,
    Side,
    TransferKind,
)

DAY = dt.date(2024, 3, 15)
ACCOUNT = UUID("6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11")
OTHER = UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
TRANSFER = UUID("0b7e3f4a-3c1d-4a8e-8f5e-6a7b8c9d0e1f")

ENTRY: dict[str, Any] = {
    "account_id": ACCOUNT,
    "version": 2,
    "transfer_id": TRANSFER,
    "side": "debit",
    "phase": "posted",
    "amount_fen": 50_000,
    "occurred_on": DAY,
    "counterparty_id": OTHER,
    "transfer_digest": "d" * 64,
    "previous_hash": "0" * 64,
}
OPENING: dict[str, Any] = {
    "account_id": ACCOUNT,
    "kind": "fund",
    "name": "长沙县暖心行动（基金会捐赠）",
    "source": "foundation_donation",
    "programme": "warm_heart",
    "region_code": "430121",
    "family_id": None,
}
TERMS: dict[str, Any] = {
    "kind": "allocation",
    "from_account_id": ACCOUNT,
    "to_account_id": OTHER,
    "amount_fen": 300_000,
    "memo": "下拨长沙县",
    "occurred_on": DAY,
    "cause": {"type": "allocation", "id": str(TRANSFER)},
    "reverses": None,
}
AWKWARD_TEXT = ['a"\\\n\u00e9\U0001f600', "暖心", "", "\x00\x1f\u2028", "%s %d {}", "'"]


@pytest.mark.parametrize(
    ("fields", "known"),
    [
        ({}, "1e7239580c744af26ba6fb6526afc76a20bb7a65a2556fd8c0c4895a4f92f4ec"),
        (
            {"transfer_digest": AWKWARD_TEXT[0], "previous_hash": "暖心", "amount_fen": True},
            "260789f3121ec394e0f4f1e93df7262749e428eed5419b8e534f098d6fd2061e",
        ),
    ],
)
def test_an_entry_hash_is_the_one_stores_hold(fields: dict[str, Any], known: str) -> None:
    assert ledger_entry_hash(**{**ENTRY, **fields}) == known


@pytest.mark.parametrize(
    ("fields", "known"),
    [
        ({}, "040a992a6ba96c01dd3683151a982a63715bd5afe5a2e2ce3dae977ffb11e203"),
        (
            {
                "kind": "beneficiary",
                "name": 'q"\\\t',
                "source": None,
                "programme": None,
                "region_code": None,
                "family_id": OTHER.hex,
            },
            "3bc7e608c285c4ba9e1ed07399eb39ecd0da52ff61c396118cd640b908f45194",
        ),
    ],
)
def test_an_opening_hash_is_the_one_stores_hold(fields: dict[str, Any], known: str) -> None:
    assert account_opening_hash(**{**OPENING, **fields}) == known


@pytest.mark.parametrize(
    ("fields", "known"),
    [
        ({}, "21f7dcbf084c4d9ca704b4e41c20e41ba4902097928028d353252084ca63ae34"),
        (
            {
                "kind": "reversal",
                "memo": 'x"\\\u2028\U0001f600',
                "cause": {"z": [1, 2.5, None, True], "a": {"é": "\x00"}},
                "reverses": str(TRANSFER),
            },
            "e5f3344be8549c32c3cda40cb85cc801c2473785bb2d666fdcdc1613dcac493d",
        ),
    ],
)
def test_a_transfer_digest_is_the_one_stores_hold(fields: dict[str, Any], known: str) -> None:
    assert transfer_terms_digest(**{**TERMS, **fields}) == known


def test_an_event_chain_hash_is_the_one_seals_hold() -> None:
    chained = event_chain_hash(
        "0" * 64, str(ACCOUNT), 3, "domain.ledger.account:Account.EntryRecorded", "d" * 64
    )

    assert chained == "17eb25d99d834683c7c99bb6dfcd0e7196c95408ad508e404ffdff787b03cfbc"


def _awkward(rng: random.Random) -> Any:
    return rng.choice(
        [
            *AWKWARD_TEXT,
            0,
            -7,
            2**70,
            True,
            False,
            None,
            1.5,
            [1, "é", None],
            {"b": 1, "a": ["x"]},
            Side.DEBIT,
        ]
    )


@pytest.mark.parametrize("seed", range(20))
def test_the_templates_hash_what_the_canonical_encoder_of_the_whole_object_hashes(
    seed: int,
) -> None:
    rng = random.Random(seed)
    entry = {
        **ENTRY,
        "side": rng.choice(list(Side)),
        "phase": str(rng.choice(list(EntryPhase))),
        "amount_fen": _awkward(rng),
        "version": _awkward(rng),
        "transfer_digest": _awkward(rng),
        "previous_hash": _awkward(rng),
    }
    opening = {
        **OPENING,
        "kind": rng.choice(list(AccountKind)),
        "name": _awkward(rng),
        "source": rng.choice([None, *FundSource]),
        "programme": rng.choice([None, *Programme]),
        "region_code": _awkward(rng),
        "family_id": rng.choice([None, OTHER, OTHER.hex]),
    }
    terms = {
        **TERMS,
        "kind": rng.choice(list(TransferKind)),
        "amount_fen": _awkward(rng),
        "memo": _awkward(rng),
        "cause": _awkward(rng),
        "reverses": rng.choice([None, TRANSFER, str(TRANSFER)]),
    }

    assert ledger_entry_hash(**entry) == sha256_of_canonical_json(
        {
            **entry,
            "account_id": canonical_uuid(entry["account_id"]),
            "transfer_id": canonical_uuid(entry["transfer_id"]),
            "counterparty_id": canonical_uuid(entry["counterparty_id"]),
            "side": Side(entry["side"]).value,
            "phase": EntryPhase(entry["phase"]).value,
            "occurred_on": canonical_date(entry["occurred_on"]),
        }
    )
    assert account_opening_hash(**opening) == sha256_of_canonical_json(
        {
            **opening,
            "account_id": canonical_uuid(opening["account_id"]),
            "kind": AccountKind(opening["kind"]).value,
            "source": None if opening["source"] is None else FundSource(opening["source"]).value,
            "programme": (
                None if opening["programme"] is None else Programme(opening["programme"]).value
            ),
            "family_id": (
                None if opening["family_id"] is None else canonical_uuid(opening["family_id"])
            ),
        }
    )
    assert transfer_terms_digest(**terms) == sha256_of_canonical_json(
        {
            **terms,
            "kind": TransferKind(terms["kind"]).value,
            "from_account_id": canonical_uuid(terms["from_account_id"]),
            "to_account_id": canonical_uuid(terms["to_account_id"]),
            "occurred_on": canonical_date(terms["occurred_on"]),
            "reverses": None if terms["reverses"] is None else canonical_uuid(terms["reverses"]),
        }
    )


@pytest.mark.parametrize(
    "value", [*AWKWARD_TEXT, 0, 2**70, True, None, 1.5, [1, None], {"b": 1, "a": 2}, Side.CREDIT]
)
def test_a_value_is_written_as_the_encoder_writes_it_inside_an_object(value: Any) -> None:
    canonical = json.dumps({"k": value}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    assert '{"k":' + json_text(value) + "}" == canonical


@pytest.mark.parametrize(
    ("call", "fields"),
    [
        (ledger_entry_hash, {**ENTRY, "side": "sideways"}),
        (ledger_entry_hash, {**ENTRY, "phase": ["posted"]}),
        (account_opening_hash, {**OPENING, "kind": "fun"}),
        (account_opening_hash, {**OPENING, "source": "budget"}),
        (transfer_terms_digest, {**TERMS, "kind": 1}),
    ],
)
def test_a_value_outside_the_vocabulary_is_refused(call: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        call(**fields)


@pytest.mark.parametrize(
    "given",
    [
        ACCOUNT,
        str(ACCOUNT),
        ACCOUNT.hex,
        str(ACCOUNT).upper(),
        "{" + str(ACCOUNT) + "}",
        "urn:uuid:" + str(ACCOUNT),
    ],
)
def test_an_id_in_any_form_has_one_canonical_text(given: Any) -> None:
    assert canonical_uuid(given) == "6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11"


@pytest.mark.parametrize("given", ["", "6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b1", str(ACCOUNT) + "\n"])
def test_text_that_is_no_id_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="hexadecimal UUID"):
        canonical_uuid(given)
