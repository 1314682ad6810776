"""`nuanxin import families|services FILE`: registers (台账) in through the API's own
validation and commands, in batched saves (DESIGN.md section 12)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import click

from api.cli_support import runtime_for_command
from api.registers.families import HouseholdPreparer, households
from api.registers.importing import FAMILY_BATCH, SERVICE_BATCH, import_prepared
from api.registers.outcomes import Tally
from api.registers.reading import count_rows, register_rows
from api.registers.services import ServicePreparer
from api.registers.wording import FAMILY_HEADINGS, SERVICE_HEADINGS
from application.imports import importing_principal
from projections.timeline import TimelineProjection

REGISTER = click.Path(exists=True, dir_okay=False, path_type=Path)
AS_USER = click.option(
    "--as",
    "as_user",
    default=None,
    metavar="NAME",
    help="Record as this user (whose region bounds the rows); by default as the actor `import`.",
)


@click.group("import")
def import_group() -> None:
    """Import registers (台账) from CSV or XLSX files with Chinese headings."""


@import_group.command("families")
@click.argument("file", type=REGISTER)
@click.option("--dry-run", is_flag=True, help="Validate every row; save nothing.")
@AS_USER
def import_families(file: Path, dry_run: bool, as_user: str | None) -> None:
    """One row per person; rows of one 户编号 form one household."""
    with runtime_for_command(run_projections=not dry_run) as runtime:
        app = runtime.app
        preparer = HouseholdPreparer(app, importing_principal(app, as_user))
        with register_rows(file, FAMILY_HEADINGS) as rows, _progress(file, "families") as advance:
            prepared = (preparer.prepare(group) for group in households(rows))
            tally = import_prepared(
                app, prepared, file, batch_size=FAMILY_BATCH, dry_run=dry_run, advance=advance
            )
        if not dry_run:
            runtime.reads_of(TimelineProjection.name).wait_until_current()
    _finish(file, tally, dry_run=dry_run, unit="households")


@import_group.command("services")
@click.argument("file", type=REGISTER)
@click.option(
    "--cash-fund",
    type=click.UUID,
    default=None,
    metavar="FUND_ID",
    help="The warm_heart fund that pays the 慰问金 column through the ledger.",
)
@AS_USER
def import_services(file: Path, cash_fund: UUID | None, as_user: str | None) -> None:
    """One row per delivered service; 户主公民身份号码 names the family."""
    with runtime_for_command(run_projections=True) as runtime:
        app = runtime.app
        preparer = ServicePreparer(app, importing_principal(app, as_user), cash_fund)
        with register_rows(file, SERVICE_HEADINGS) as rows, _progress(file, "services") as advance:
            prepared = (preparer.prepare(row) for row in rows)
            tally = import_prepared(app, prepared, file, batch_size=SERVICE_BATCH, advance=advance)
        runtime.reads_of(TimelineProjection.name).wait_until_current()
    _finish(file, tally, dry_run=False, unit="rows")


@contextmanager
def _progress(file: Path, what: str) -> Iterator[Callable[[int], object]]:
    """A progress bar on a terminal (on stderr, so that stdout ends with the summary)."""
    with click.progressbar(
        length=count_rows(file), label=f"importing {what}", file=sys.stderr
    ) as bar:
        yield bar.update


def _finish(file: Path, tally: Tally, *, dry_run: bool, unit: str) -> None:
    if tally.warnings:
        click.echo(f"warnings: {tally.warnings} (see {file.name}.notes.csv)")
    if dry_run:
        click.echo(f"dry run: {tally.would_import} {unit} would be imported; nothing was saved")
    if tally.rejected:
        click.echo(f"rejected rows are listed in {file.name}.errors.csv")
    click.echo(tally.summary())
    if tally.rejected:
        sys.exit(1)
