"""`nuanxin audit export` writes only regular files, owner-only, or to stdout with `-`."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli_audit import audit
from api.runtime import Runtime
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings
from tests.steps import cli_environment


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    yield
    configure_logging("warning")


def export(settings: Settings, out: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        audit,
        ["export", "--out", out],
        env=cli_environment(settings),
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_bundle_file_is_readable_by_its_owner_only(
    settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    bundle = tmp_path / "audit.jsonl"

    code, stdout, _ = export(settings, str(bundle))

    assert code == 0, stdout
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600


def test_export_to_a_device_is_refused_and_leaves_it_a_device(
    settings: Settings, runtime: Runtime
) -> None:
    code, stdout, _ = export(settings, "/dev/null")

    assert code != 0
    assert stdout == ""
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_export_into_a_missing_folder_fails_with_one_line(
    settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    code, _, stderr = export(settings, str(tmp_path / "missing" / "audit.jsonl"))

    assert code != 0
    assert stderr.strip().splitlines() == [
        f"Error: the folder {tmp_path / 'missing'} does not exist"
    ]


def test_export_to_dash_writes_the_bundle_to_stdout_and_no_file(
    settings: Settings, runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, stdout, stderr = export(settings, "-")

    assert code == 0, stderr
    header = json.loads(stdout.splitlines()[0])
    assert header["format"] == "nuanxin-ledger-bundle"
    assert "sha256" in stderr
    assert not (tmp_path / "-").exists()
