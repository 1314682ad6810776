"""The auditors' key and what it guards, through the command line and the HTTP API on both
backends: keygen, a seal signed at the store or on the auditor's machine, verification with
the auditors' public key and a kept seal hash, bundles streamed to an auditor, and stores
sealed before seals were signed."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.cli_audit import audit
from api.runtime import Runtime
from application.audit.bundle import verify_bundle
from application.audit.verify import verify_ledger
from domain.seal import GENESIS_SEAL_HASH, LedgerSeal, ledger_root_hash, seal_chain_hash
from infrastructure.seal_keys import read_public_key, sign
from infrastructure.settings import Settings
from tests.conftest import UserFactory
from tests.steps import command_environment
from tests.test_audit import (
    AUDITOR,
    AUDITORS_KEY,
    AUDITORS_PUBLIC_KEY,
    Ledger,
    StoredRows,
    build_ledger,
    seal_ledger,
)

LEGACY_FIELDS = ("aggregates", "touched", "public_key", "signature")
"""What a seal made before seals were signed does not have."""


@pytest.fixture
def ledger(runtime: Runtime) -> Ledger:
    return build_ledger(runtime)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    result = CliRunner().invoke(audit, ["keygen", "--out", str(tmp_path / "keys")])
    assert result.exit_code == 0, result.output
    return tmp_path / "keys" / "seal-key.pem", tmp_path / "keys" / "seal-key.pub"


def run(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(audit, list(args), env=command_environment(settings))


def sealed_hash(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


# -- keys and seals at the command line ---------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_may_read_and_its_public_key(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(audit, ["keygen", "--out", str(tmp_path / "keys")])

    assert result.exit_code == 0, result.output
    private, public = tmp_path / "keys" / "seal-key.pem", tmp_path / "keys" / "seal-key.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert read_public_key(public) == result.stdout.splitlines()[-1]


def test_keygen_never_overwrites_a_key(keys: tuple[Path, Path]) -> None:
    private, _ = keys
    before = private.read_bytes()

    result = CliRunner().invoke(audit, ["keygen", "--out", str(private.parent)])

    assert result.exit_code == 1
    assert "exists already" in result.output
    assert private.read_bytes() == before


def test_a_seal_signed_at_the_command_line_verifies_with_the_public_key_and_its_hash(
    settings: Settings, ledger: Ledger, keys: tuple[Path, Path]
) -> None:
    private, public = keys
    kept = sealed_hash(run(settings, "seal", "--key", str(private)))

    result = run(settings, "verify", "--public-key", str(public), "--expect-seal", kept)

    assert result.exit_code == 0, result.output
    assert f"last {kept}" in result.stdout


def test_verify_with_the_kept_hash_fails_once_the_latest_seal_is_deleted(
    settings: Settings, ledger: Ledger, keys: tuple[Path, Path]
) -> None:
    private, public = keys
    kept = sealed_hash(run(settings, "seal", "--key", str(private)))
    seal_id = LedgerSeal.create_id(1)
    StoredRows(settings).delete(seal_id, 1)

    unexpecting = run(settings, "verify", "--public-key", str(public))
    result = run(settings, "verify", "--public-key", str(public), "--expect-seal", kept)

    assert unexpecting.exit_code == 0, "without the kept hash a deleted last seal cannot show"
    assert result.exit_code == 1
    assert kept in result.stdout


def test_verify_with_another_public_key_finds_every_seal_wrongly_signed(
    settings: Settings, ledger: Ledger, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    private, _ = keys
    sealed_hash(run(settings, "seal", "--key", str(private)))
    CliRunner().invoke(audit, ["keygen", "--out", str(tmp_path / "other")])

    result = run(settings, "verify", "--public-key", str(tmp_path / "other" / "seal-key.pub"))

    assert result.exit_code == 1
    assert "bad_signature" in result.stdout
    assert str(LedgerSeal.create_id(1)) in result.stdout


def test_an_exported_bundle_verifies_offline_with_the_public_key_and_the_kept_hash(
    settings: Settings, ledger: Ledger, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    private, public = keys
    kept = sealed_hash(run(settings, "seal", "--key", str(private)))
    bundle = tmp_path / "ledger.jsonl.gz"
    assert run(settings, "export", "--out", str(bundle)).exit_code == 0

    result = CliRunner().invoke(
        audit, ["verify-bundle", str(bundle), "--public-key", str(public), "--expect-seal", kept]
    )

    assert result.exit_code == 0, result.output
    assert "verifies" in result.stdout


def test_an_expected_seal_that_is_not_a_hash_is_refused_with_one_line(
    settings: Settings, keys: tuple[Path, Path]
) -> None:
    result = run(settings, "verify", "--expect-seal", "not-a-hash")

    assert result.exit_code == 1
    assert "64 hex digits" in result.output


# -- sealing over HTTP: the private key stays on the auditor's machine ---------------------------


def test_a_draft_signed_on_the_auditors_machine_is_recorded_over_http(
    client: TestClient,
    auditor: dict[str, str],
    ledger: Ledger,
    keys: tuple[Path, Path],
    tmp_path: Path,
    runtime: Runtime,
) -> None:
    private, public = keys
    draft = client.get(
        "/api/v1/ledger/seals/draft",
        params={"public_key": read_public_key(public)},
        headers=auditor,
    )
    assert draft.status_code == 200, draft.text
    (tmp_path / "draft.json").write_text(draft.text)
    signed = CliRunner().invoke(
        audit, ["sign-draft", str(tmp_path / "draft.json"), "--key", str(private)]
    )
    assert signed.exit_code == 0, signed.output

    created = client.post("/api/v1/ledger/seals", json=json.loads(signed.stdout), headers=auditor)

    assert created.status_code == 201, created.text
    seal = created.json()
    assert seal["seal_hash"] == draft.json()["seal_hash"]
    assert seal["signature"]
    report = verify_ledger(
        runtime.app, public_key=read_public_key(public), expect_seal=seal["seal_hash"]
    )
    assert report.ok, report.problems


def test_a_seal_whose_signature_does_not_verify_is_refused_naming_the_signature(
    client: TestClient, auditor: dict[str, str], ledger: Ledger, keys: tuple[Path, Path]
) -> None:
    _, public = keys
    draft = client.get(
        "/api/v1/ledger/seals/draft",
        params={"public_key": read_public_key(public)},
        headers=auditor,
    ).json()
    forged = {
        "position": draft["position"],
        "sealed_at": draft["sealed_at"],
        "public_key": draft["public_key"],
        "signature": sign(AUDITORS_KEY, draft["message"].encode("utf-8")),
    }

    answer = client.post("/api/v1/ledger/seals", json=forged, headers=auditor)

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "signature"
    assert client.get("/api/v1/ledger/seals", headers=auditor).json()["total"] == 0


def test_verify_over_http_takes_the_auditors_key_and_a_kept_hash(
    client: TestClient, auditor: dict[str, str], runtime: Runtime, ledger: Ledger
) -> None:
    seal = seal_ledger(runtime.app, AUDITOR)
    params = {"public_key": AUDITORS_PUBLIC_KEY, "expect_seal": seal["seal_hash"]}

    kept = client.get("/api/v1/ledger/verify", params=params, headers=auditor)
    unknown = client.get(
        "/api/v1/ledger/verify", params={**params, "expect_seal": "ab" * 32}, headers=auditor
    )

    assert kept.json()["ok"] is True
    assert unknown.json()["ok"] is False
    assert unknown.json()["problems"][0]["aggregate"] == "seal"


# -- bundles over HTTP ------------------------------------------------------------------------


def bundle_over_http(client: TestClient, headers: dict[str, str], path: Path) -> list[Any]:
    answer = client.get("/api/v1/ledger/bundle", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    path.write_bytes(answer.content)
    return [json.loads(line) for line in answer.text.splitlines()]


def test_an_auditor_downloads_a_bundle_that_verifies_offline(
    client: TestClient,
    auditor: dict[str, str],
    runtime: Runtime,
    ledger: Ledger,
    tmp_path: Path,
) -> None:
    seal = seal_ledger(runtime.app, AUDITOR)

    bundle_over_http(client, auditor, tmp_path / "bundle.jsonl")

    report = verify_bundle(
        tmp_path / "bundle.jsonl", public_key=AUDITORS_PUBLIC_KEY, expect_seal=seal["seal_hash"]
    )
    assert report.ok, report.problems


def test_a_regional_auditors_bundle_shows_only_its_regions_funds_and_still_verifies(
    client: TestClient,
    user_headers: UserFactory,
    runtime: Runtime,
    ledger: Ledger,
    tmp_path: Path,
) -> None:
    seal = seal_ledger(runtime.app, AUDITOR)

    lines = bundle_over_http(client, user_headers("auditor", "430121"), tmp_path / "bundle.jsonl")

    shown = {line["originator_id"] for line in lines if line.get("state") is not None}
    assert str(ledger.county.id) in shown
    assert str(ledger.city.id) not in shown  # the city's fund is 430100's
    report = verify_bundle(
        tmp_path / "bundle.jsonl", public_key=AUDITORS_PUBLIC_KEY, expect_seal=seal["seal_hash"]
    )
    assert report.ok, report.problems


# -- stores sealed before seals were signed ----------------------------------------------------


def legacy_seal(runtime: Runtime, settings: Settings, ledger: Ledger) -> LedgerSeal:
    """A seal as they were made before this change: over the accounts' heads, unsigned, its
    stored row without the fields signed seals have."""
    position = int(runtime.app.recorder.max_notification_id() or 0)
    sealed_at = dt.datetime(2025, 1, 31, 18, tzinfo=dt.UTC)
    heads = [
        (account.id, account.version, account.last_hash)
        for account in (ledger.donor, ledger.city, ledger.county, ledger.family)
    ]
    root = ledger_root_hash(heads, position)
    seal = LedgerSeal(
        sequence=1,
        position=position,
        root_hash=root,
        accounts=4,
        previous_seal_id=None,
        previous_seal_hash=GENESIS_SEAL_HASH,
        sealed_at=sealed_at,
        seal_hash=seal_chain_hash(
            previous_seal_hash=GENESIS_SEAL_HASH,
            root_hash=root,
            position=position,
            sealed_at=sealed_at,
        ),
        sealed_by="县计生协 财务 王会计",
        sealed_by_id="admin-1",
    )
    runtime.app.save(seal)
    rows = StoredRows(settings)
    topic, state = rows.row(seal.id, 1)
    event = runtime.app.mapper.to_domain_event(StoredEvent(seal.id, 1, topic, state))
    for name in LEGACY_FIELDS:
        del vars(event)[name]
    rows.set_state(seal.id, 1, runtime.app.mapper.to_stored_event(event).state)
    return seal


def test_a_store_sealed_before_seals_were_signed_verifies_with_a_legacy_seal_finding(
    runtime: Runtime, settings: Settings, ledger: Ledger
) -> None:
    seal = legacy_seal(runtime, settings, ledger)

    report = verify_ledger(runtime.app, public_key=AUDITORS_PUBLIC_KEY)

    assert [(p["account_id"], p["problem"]) for p in report.problems] == [
        (str(seal.id), "legacy_seal")
    ]
    assert "legacy seal, unsigned" in report.problems[0]["detail"]


def test_a_signed_seal_may_follow_a_legacy_one(
    runtime: Runtime, settings: Settings, ledger: Ledger
) -> None:
    legacy = legacy_seal(runtime, settings, ledger)

    signed = seal_ledger(runtime.app, AUDITOR)

    assert signed["sequence"] == 2
    assert signed["previous_seal_hash"] == legacy.seal_hash
    report = verify_ledger(
        runtime.app, public_key=AUDITORS_PUBLIC_KEY, expect_seal=signed["seal_hash"]
    )
    assert [p["problem"] for p in report.problems] == ["legacy_seal"]


# -- who seals, and what a regional verify checks ----------------------------------------------


def test_an_auditor_whose_region_does_not_cover_every_fund_may_not_seal(
    client: TestClient, user_headers: UserFactory, ledger: Ledger
) -> None:
    county_auditor = user_headers("auditor", "430121")

    answer = client.get(
        "/api/v1/ledger/seals/draft",
        params={"public_key": AUDITORS_PUBLIC_KEY},
        headers=county_auditor,
    )

    assert answer.status_code == 403
    assert "430100" in answer.json()["detail"]


def test_a_regional_verify_checks_the_accounts_of_its_region(
    client: TestClient,
    user_headers: UserFactory,
    runtime: Runtime,
    settings: Settings,
    ledger: Ledger,
) -> None:
    county_auditor = user_headers("auditor", "430121")
    rows = StoredRows(settings)
    rows.rewrite(runtime.app, ledger.city.id, 1, name="长沙市（改名）")

    county_view = client.get("/api/v1/ledger/verify", headers=county_auditor).json()
    rows.rewrite(runtime.app, ledger.county.id, 1, name="长沙县（改名）")
    after_county = client.get("/api/v1/ledger/verify", headers=county_auditor).json()

    assert county_view["ok"] is True, county_view["problems"]
    assert after_county["ok"] is False
    assert {p["account_id"] for p in after_county["problems"]} == {str(ledger.county.id)}
