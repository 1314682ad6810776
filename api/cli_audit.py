"""`nuanxin audit`: the auditor's tools (DESIGN.md section 4 and 8).

`keygen` makes the auditors' seal key; `seal --key` signs a seal; `verify` and `verify-bundle`
check every chain and, given the auditors' public key and the hash of a seal they kept, every
seal's signature and that the kept seal is still there. Both exit 0 when everything verifies
and 1 when it does not; `verify-bundle`, `keygen` and `sign-draft` need no database, settings
or service."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from api.audit_queries import verify_with_views
from api.cli_support import runtime_for_command
from application.audit.bundle import export_bundle, verify_bundle
from application.audit.bundle_file import BundleError
from application.audit.replay import debits_equal_credits, replay_ledger
from application.audit.report import VerifyReport
from application.audit.seals import seal_with_key
from application.audit.store import Progress
from application.principal import Principal
from domain.money import yuan_from_fen
from domain.seal import seal_message
from domain.values import Role
from infrastructure.seal_keys import (
    SealKeyError,
    generate_key_pair,
    load_private_key,
    read_public_key,
    sign,
)

CLI_AUDITOR = Principal(
    user_id="cli-auditor", name="auditor at the command line", role=Role.AUDITOR, region_code=None
)
"""Who seals from the command line unless `--as` names an auditor."""

_public_key_option = click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The auditors' public key (the .pub file of `audit keygen`): every seal's signature "
    "is checked with it. Without it, only with the key each seal names.",
)
_expect_seal_option = click.option(
    "--expect-seal",
    "expect_seal",
    default=None,
    metavar="HASH",
    help="The hash of a seal you kept: the ledger must still hold it, and so everything "
    "before it unchanged.",
)


def _trusted_key(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return read_public_key(path)
    except SealKeyError as error:
        raise click.ClickException(str(error)) from None


def _seal_hash(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise click.ClickException("--expect-seal is a seal hash: 64 hex digits")
    return value


@click.group()
def audit() -> None:
    """Verify the ledger, replay balances, export and check an audit bundle."""


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    """A progress bar on a terminal's stderr, so that stdout keeps only the results."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    with click.progressbar(length=1, label=label, file=sys.stderr) as bar:

        def advance(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield advance


def _echo_report(report: VerifyReport, what: str) -> None:
    seals = f"{report.seals} seals" + (
        f", last {report.last_seal_hash}" if report.last_seal_hash else ""
    )
    speed = f"{report.seconds:.2f} s, {report.events_per_second:,.0f} events/s"
    if report.ok:
        click.echo(
            f"{what} verifies: {report.checked} events checked up to position "
            f"{report.position} ({seals}) in {speed}"
        )
        return
    first = report.problems[0]
    click.echo(
        f"{what} does NOT verify: {len(report.problems)} problems in {report.checked} events "
        f"checked up to position {report.position} ({seals}) in {speed}; first: "
        f"{first['problem']} at {first['aggregate']} {first['account_id']} "
        f"version {first['version']}"
    )
    for problem in report.problems:
        where = (
            f"{problem['aggregate']} {problem['account_id']} version {problem['version']}"
            if problem["account_id"]
            else problem["aggregate"]
        )
        click.echo(
            f"  {problem['problem']:<16} {where} (position {problem['position']}): "
            f"{problem['detail']}"
        )


@audit.command("verify")
@_public_key_option
@_expect_seal_option
def verify_command(public_key_file: Path | None, expect_seal: str | None) -> None:
    """Recompute every chain, hash, link and balance from the stored events.

    Every aggregate's events (ledger, families, services, ...) are chained; every seal's root
    hash must recompute and its signature verify. Also compares the ledger view's fund
    balances with the events, at the position the view has reached."""
    public_key, kept = _trusted_key(public_key_file), _seal_hash(expect_seal)
    with runtime_for_command() as runtime, _progress("verifying the ledger") as progress:
        report = verify_with_views(
            runtime,
            wait_for_views=False,
            progress=progress,
            public_key=public_key,
            expect_seal=kept,
        )
    _echo_report(report, "the ledger")
    if not report.ok:
        sys.exit(1)


@audit.command("replay")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Business date (YYYY-MM-DD), the whole day included; default: everything.",
)
def replay_command(as_of: dt.datetime | None) -> None:
    """Rebuild every fund's balances from the events alone, as of a business date."""
    day = as_of.date() if as_of is not None else None
    with runtime_for_command() as runtime, _progress("replaying the ledger") as progress:
        replay = replay_ledger(runtime.app, day, progress=progress)
    click.echo(f"fund balances as of {day.isoformat() if day else 'now'} (yuan):")
    columns = ("region_code", "source", "programme", "posted", "pending", "available")
    rows: list[dict[str, Any]] = [
        {
            **fund,
            **{key: yuan_from_fen(fund[key]) for key in ("posted", "pending", "available")},
        }
        for fund in replay.funds
    ]
    widths = {c: max([len(c)] + [len(str(row[c])) for row in rows]) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns) + "  fund_id  name")
    for row in rows:
        cells = [str(row[c]).rjust(widths[c]) for c in columns]
        click.echo("  ".join(cells) + f"  {row['fund_id']}  {row['name']}")
    totals = replay.totals
    balanced = "equal" if debits_equal_credits(totals) else "DO NOT equal"
    click.echo(
        f"{len(rows)} funds; over all accounts, debits {balanced} credits: posted "
        f"{yuan_from_fen(totals['posted_debits'])} / {yuan_from_fen(totals['posted_credits'])}"
        f", pending {yuan_from_fen(totals['pending_debits'])} / "
        f"{yuan_from_fen(totals['pending_credits'])}"
    )


@audit.command("export")
@click.option(
    "--out",
    "out",
    required=True,
    help="The bundle file to write (gzip-compressed when its name ends in .gz), or - for "
    "standard output.",
)
def export_command(out: str) -> None:
    """Write a self-contained bundle of the log (ledger events in full, case events by their
    digests) and its seals, to verify offline."""
    if out == "-":
        _export_to_stdout()
        return
    target = _regular_file_target(Path(out))
    with runtime_for_command() as runtime, _progress("exporting the ledger") as progress:
        summary = export_bundle(runtime.app, target, progress=progress)
    click.echo(
        f"exported {summary.events} events (the ledger's in full, the rest by digest) and "
        f"{summary.seals} seals up to position "
        f"{summary.position} to {summary.path}"
    )
    click.echo(f"sha256 {summary.sha256}")


def _regular_file_target(path: Path) -> Path:
    """Only a regular file is written: a device, a directory or a missing folder is refused
    with one line (run as root, replacing /dev/null would break the machine)."""
    if path.exists() and not path.is_file():
        raise click.ClickException(f"{path} is not a regular file")
    if not path.parent.is_dir():
        raise click.ClickException(f"the folder {path.parent} does not exist")
    return path


def _export_to_stdout() -> None:
    """The bundle on stdout (uncompressed), the summary on stderr."""
    with tempfile.TemporaryDirectory() as folder:
        staged = Path(folder) / "bundle.jsonl"
        with runtime_for_command() as runtime:
            summary = export_bundle(runtime.app, staged)
        with staged.open("rb") as bundle:
            shutil.copyfileobj(bundle, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    click.echo(
        f"exported {summary.events} events (the ledger's in full, the rest by digest) and "
        f"{summary.seals} seals up to position "
        f"{summary.position}; sha256 {summary.sha256}",
        err=True,
    )


@audit.command("verify-bundle")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_public_key_option
@_expect_seal_option
def verify_bundle_command(
    bundle: Path, public_key_file: Path | None, expect_seal: str | None
) -> None:
    """Verify an exported bundle offline: no database, service or cipher key needed."""
    public_key, kept = _trusted_key(public_key_file), _seal_hash(expect_seal)
    try:
        report = verify_bundle(bundle, public_key=public_key, expect_seal=kept)
    except BundleError as error:
        raise click.ClickException(str(error)) from None
    _echo_report(report, f"bundle {bundle}")
    if not report.ok:
        sys.exit(1)


@audit.command("keygen")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the key pair into (on the auditor's machine, not the server).",
)
def keygen_command(out: Path) -> None:
    """Make the auditors' Ed25519 seal key: seal-key.pem (private, mode 0600: keep it off the
    server) and seal-key.pub (public: give it to whoever verifies)."""
    try:
        files = generate_key_pair(out)
    except (SealKeyError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"private key {files.private} (mode 0600; it never goes to the server)")
    click.echo(f"public key  {files.public}")
    click.echo(files.public_key)


@audit.command("seal")
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The auditors' private key (seal-key.pem from `audit keygen`).",
)
@click.option("--as", "as_name", default=None, help="The auditor sealing (a user's name).")
def seal_command(key_file: Path, as_name: str | None) -> None:
    """Verify the log, then seal it up to now, signed with the auditors' private key (which is
    read here and never stored). Prints the seal's hash last: keep it for --expect-seal."""
    try:
        private_key = load_private_key(key_file)
    except SealKeyError as error:
        raise click.ClickException(str(error)) from None
    with runtime_for_command() as runtime:
        principal = _auditor(runtime.app.users.list_users(), as_name)
        seal = seal_with_key(runtime.app, principal, private_key)
    click.echo(
        f"seal {seal['sequence']} over position {seal['position']} "
        f"({seal['aggregates']} aggregates, {seal['accounts']} ledger accounts), "
        f"signed by {seal['sealed_by']}"
    )
    click.echo(seal["seal_hash"])


@audit.command("sign-draft")
@click.argument("draft", type=click.File("r", encoding="utf-8"))
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The auditors' private key (seal-key.pem from `audit keygen`).",
)
def sign_draft_command(draft: Any, key_file: Path) -> None:
    """Sign a seal draft (the body of GET /api/v1/ledger/seals/draft, a file or - for stdin)
    on this machine; prints the body to POST to /api/v1/ledger/seals."""
    try:
        private_key = load_private_key(key_file)
        body = json.load(draft)
        message = seal_message(str(body["seal_hash"])).decode("ascii")
        if body.get("message") != message:
            raise click.ClickException("the draft's message is not the one for its seal hash")
    except SealKeyError as error:
        raise click.ClickException(str(error)) from None
    except (ValueError, KeyError, TypeError):
        raise click.ClickException("the draft is not the JSON of a seal draft") from None
    signed = {
        "position": body["position"],
        "sealed_at": body["sealed_at"],
        "public_key": body["public_key"],
        "signature": sign(private_key, message.encode("ascii")),
    }
    click.echo(json.dumps(signed))


def _auditor(users: list[Any], name: str | None) -> Principal:
    if name is None:
        return CLI_AUDITOR
    matches = [user for user in users if user.name == name and user.revoked_at is None]
    if len(matches) != 1:
        raise click.ClickException(f"no single active user named {name}")
    user = matches[0]
    return Principal(
        user_id=str(user.user_id), name=user.name, role=user.role, region_code=user.region_code
    )
