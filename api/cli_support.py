"""What every `nuanxin` command shares: a runtime from the environment, and one-line
reasons instead of tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from pydantic import ValidationError

from api.runtime import Runtime, open_runtime
from domain.errors import DomainError
from infrastructure.errors import ConfigurationError
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings


@contextmanager
def runtime_for_command(
    *, run_projections: bool = False, for_other_processes: bool = False
) -> Iterator[Runtime]:
    """A runtime from the environment; any failure ends the command with a one-line reason."""
    try:
        settings = Settings()
        configure_logging(settings.log_level)
        runtime = open_runtime(
            settings, run_projections=run_projections, for_other_processes=for_other_processes
        )
    except ValidationError as error:
        first = error.errors()[0]
        variable = "NUANXIN_" + "_".join(str(part) for part in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise click.ClickException(f"{variable}: {message}") from None
    except (ConfigurationError, ValueError) as error:
        raise click.ClickException(str(error).splitlines()[0]) from None
    try:
        yield runtime
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        runtime.close()
