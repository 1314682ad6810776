"""`nuanxin audit`: the auditor's tools (DESIGN.md section 4 and 8).

`verify` exits 0 when the ledger verifies and 1 when it does not; `verify-bundle` needs neither
a database nor settings, only the bundle file."""

from __future__ import annotations

import datetime as dt
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
from application.audit.store import Progress
from domain.money import yuan_from_fen


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
def verify_command() -> None:
    """Recompute every hash, link and balance of the ledger from the stored events.

    Also compares the ledger view's fund balances with the events, at the position the view
    has reached."""
    with runtime_for_command() as runtime, _progress("verifying the ledger") as progress:
        report = verify_with_views(runtime, wait_for_views=False, progress=progress)
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
    """Write a self-contained bundle of every ledger event and seal, to verify offline."""
    if out == "-":
        _export_to_stdout()
        return
    target = _regular_file_target(Path(out))
    with runtime_for_command() as runtime, _progress("exporting the ledger") as progress:
        summary = export_bundle(runtime.app, target, progress=progress)
    click.echo(
        f"exported {summary.events} ledger events and {summary.seals} seals up to position "
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
        f"exported {summary.events} ledger events and {summary.seals} seals up to position "
        f"{summary.position}; sha256 {summary.sha256}",
        err=True,
    )


@audit.command("verify-bundle")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_bundle_command(bundle: Path) -> None:
    """Verify an exported bundle offline: no database, service or key needed."""
    try:
        report = verify_bundle(bundle)
    except BundleError as error:
        raise click.ClickException(str(error)) from None
    _echo_report(report, f"bundle {bundle}")
    if not report.ok:
        sys.exit(1)
