"""Configuration from NUANXIN_* environment variables (DESIGN.md section 8)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import NonNegativeInt, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NUANXIN_", extra="ignore")

    data_dir: Path = Path("./nuanxin-data")
    database_url: str | None = None
    database_schema: str = "public"
    cipher_key: str | None = None
    # HMAC key of ids derived from resident IDs; kept like the cipher key.
    index_key: str | None = None
    log_level: str = "info"
    timezone: str | None = None
    read_your_writes_timeout: float = 10.0
    run_projections: bool = True
    # How often a projection runner looks for events written by other processes; saves in
    # its own process wake it at once.
    projection_poll_interval: float = 0.05
    # How long a runner woken by a save in its own process waits for more saves before it
    # projects them together; a read waiting for the view cuts it short.
    projection_linger: float = 0.1
    # Request bodies larger than this answer 413 before they are read into memory.
    max_body_bytes: int = 1024 * 1024
    # This many failed authentications from one address within the window answer 429.
    auth_failure_limit: int = 10
    auth_failure_window: float = 60.0
    # The scorecard's weights and targets per indicator, as JSON objects merged over the
    # defaults of `domain.scorecard`, e.g. '{"budget_execution": 30}'.
    scorecard_weights: dict[str, float] = {}
    scorecard_targets: dict[str, float] = {}
    # /readyz answers 503 while a view is more than this many events behind the log.
    ready_max_lag: NonNegativeInt = 1000

    @field_validator("database_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("database_schema")
    @classmethod
    def _schema_is_identifier(cls, value: str) -> str:
        # Lower case only: the library looks its types up by the unquoted (folded) name.
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
            raise ValueError(
                "NUANXIN_DATABASE_SCHEMA must be lower-case letters, digits and underscores"
            )
        return value

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None
