"""The `nuanxin` command line (DESIGN.md section 8)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import uvicorn

from api.cli_audit import audit
from api.cli_import import import_group
from api.cli_support import runtime_for_command
from api.registers.demo_export import export_demo_registers
from application.demo import load_demo_county
from application.users import UserListing
from domain.money import yuan_from_fen
from domain.values import Role
from projections.timeline import TimelineProjection


@click.group()
@click.version_option(package_name="nuanxin", prog_name="nuanxin")
def main() -> None:
    """Nuanxin 暖心: case management and fund ledger for special families."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--no-projections",
    is_flag=True,
    help="Leave the projections to separate `nuanxin projections run` workers.",
)
def serve(host: str, port: int, workers: int, no_projections: bool) -> None:
    """Run the HTTP API (and, unless told not to, the projections in-process)."""
    if no_projections:
        os.environ["NUANXIN_RUN_PROJECTIONS"] = "false"
    # Open the store once here, so that a bad configuration ends with one line, not a
    # traceback from each worker.
    with runtime_for_command():
        pass
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


@main.group()
def users() -> None:
    """Manage users and their bearer tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", default=None, help="Region code the user covers; none covers all.")
@click.option(
    "--expires-in",
    "expires_in_days",
    type=click.IntRange(1, 3650),
    default=None,
    metavar="DAYS",
    help="The token stops working this many days from now; by default it does not expire.",
)
def add_user(name: str, role: str, region: str | None, expires_in_days: int | None) -> None:
    """Create a user; the bearer token is printed once, alone on the last line."""
    expires_in = dt.timedelta(days=expires_in_days) if expires_in_days else None
    with runtime_for_command() as runtime:
        issued = runtime.app.users.add_user(name, Role(role), region, expires_in=expires_in)
        scope = f"region {region}" if region else "all regions"
        until = f", expiring in {expires_in_days} days" if expires_in_days else ""
        click.echo(f"created {role} {name} ({issued.user_id}) covering {scope}{until}; token:")
        click.echo(issued.token)


@users.command("list")
def list_users() -> None:
    """Every user: id, name, role, region, and whether the token is active, expired or revoked."""
    with runtime_for_command() as runtime:
        now = dt.datetime.now(dt.UTC)
        for user in runtime.app.users.list_users():
            click.echo(
                "\t".join(
                    [
                        str(user.user_id),
                        user.name,
                        user.role.value,
                        user.region_code or "all",
                        token_state(user, now),
                    ]
                )
            )


@users.command("revoke")
@click.argument("name")
def revoke_user(name: str) -> None:
    """Revoke a user's token at once (NAME, or the user's id where names repeat)."""
    with runtime_for_command() as runtime:
        revoked = runtime.app.users.revoke_user(name)
        click.echo(f"revoked {revoked.role.value} {revoked.name} ({revoked.user_id})")


def token_state(user: UserListing, now: dt.datetime) -> str:
    if user.revoked_at is not None:
        return f"revoked {user.revoked_at:%Y-%m-%d %H:%M}"
    if user.expires_at is not None:
        verb = "expired" if user.expires_at <= now else "expires"
        return f"{verb} {user.expires_at:%Y-%m-%d %H:%M}"
    return "active"


@main.command()
@click.option("--families", default=300, show_default=True, type=click.IntRange(1, 5000))
@click.option("--seed", default=2024, show_default=True, type=int)
@click.option(
    "--export-register",
    "register_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write the county as registers (families and services, CSV and XLSX) to DIR "
    "instead of loading it.",
)
def demo(families: int, seed: int, register_dir: Path | None) -> None:
    """Load a realistic demo county (长沙县): families, a year of visits, demo users."""
    if register_dir is not None:
        _export_demo_registers(register_dir, families, seed)
        return
    with runtime_for_command(run_projections=True) as runtime:
        with click.progressbar(length=families, label="loading the demo county") as bar:
            summary = load_demo_county(
                runtime.app,
                seed=seed,
                families=families,
                progress=lambda done, _total: bar.update(done - bar.pos),
            )
        runtime.reads_of(TimelineProjection.name).wait_until_current()
        click.echo(
            f"{summary.county_name} ({summary.county_code}): {summary.families} families, "
            f"{summary.services} services, {summary.funds} funds, "
            f"{yuan_from_fen(summary.cash_paid_fen)} yuan paid, {summary.policies} policies, "
            "claims: "
            + ", ".join(f"{count} {status}" for status, count in summary.claims.items())
            + "; demo users and their tokens:"
        )
        for user in summary.users:
            click.echo(f"  {user.role.value:<10} {user.name} {user.region_code} {user.token}")


def _export_demo_registers(directory: Path, families: int, seed: int) -> None:
    with runtime_for_command() as runtime:
        today = runtime.app.today()
    exported = export_demo_registers(directory, seed=seed, families=families, today=today)
    for path in exported.files:
        click.echo(f"wrote {path}")
    click.echo(
        f"{exported.families} families ({exported.people} people), {exported.services} "
        f"services with {yuan_from_fen(exported.cash_fen)} yuan of 慰问金; import them with "
        f"`nuanxin import families {directory / 'families.xlsx'}` and `nuanxin import "
        f"services {directory / 'services.xlsx'} --cash-fund FUND_ID`"
    )


@main.group()
def projections() -> None:
    """Run, rebuild and inspect the projection workers."""


@projections.command("run")
def run_projections() -> None:
    """Run every projection until interrupted (for `serve --no-projections`)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with runtime_for_command(run_projections=True, for_other_processes=True) as runtime:
        click.echo(f"running projections: {', '.join(runtime.runners)}")
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


@projections.command("rebuild")
@click.argument("names", nargs=-1)
def rebuild_projections(names: tuple[str, ...]) -> None:
    """Empty the views and project the whole event log again (stop the service first)."""
    with runtime_for_command() as runtime:
        chosen = names or tuple(runtime.projections)
        unknown = set(chosen) - set(runtime.projections)
        if unknown:
            raise click.ClickException(f"no projection named {', '.join(sorted(unknown))}")
        head = runtime.app.recorder.max_notification_id() or 0
        for name in chosen:
            runtime.projections[name].view.clear(runtime.app.name)
            runner = runtime.runner_for(name)
            with click.progressbar(length=head, label=f"rebuilding {name}") as bar:
                _run_with_progress(runner.run_once, bar.update)
            click.echo(f"{name}: rebuilt to position {runner.position}")


def _run_with_progress(step: Callable[[], int], advance: Callable[[int], Any]) -> None:
    while covered := step():
        advance(covered)


@projections.command("status")
def projection_status() -> None:
    """Show each projection's position and lag behind the event log."""
    with runtime_for_command() as runtime:
        head = runtime.app.recorder.max_notification_id() or 0
        click.echo(f"event log position: {head}")
        for name, projection in runtime.projections.items():
            position = projection.view.max_tracking_id(runtime.app.name) or 0
            click.echo(f"{name}: position {position}, lag {head - position}")


main.add_command(audit)
main.add_command(import_group)


if __name__ == "__main__":
    main()
