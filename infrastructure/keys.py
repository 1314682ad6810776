"""Keys kept beside the cipher key: generated into the data directory (0600) when embedded,
set in the environment (the same on every machine) with PostgreSQL."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import structlog

from infrastructure.errors import ConfigurationError
from infrastructure.private_files import private_data_dir
from infrastructure.settings import Settings

INDEX_KEY_FILE = "index.key"

log = structlog.get_logger(__name__)


def resident_index_key(settings: Settings) -> str:
    """The base64 HMAC key of ids derived from resident IDs (DESIGN.md section 7)."""
    if settings.index_key:
        try:
            if len(base64.b64decode(settings.index_key, validate=True)) < 32:
                raise ValueError
        except ValueError:
            raise ConfigurationError(
                "NUANXIN_INDEX_KEY must be a base64 key of at least 32 bytes"
            ) from None
        return settings.index_key
    if settings.uses_postgres:
        # Ids derived with a machine's own key would not match another machine's.
        log.warning(
            "index_key_from_data_dir",
            advice="set NUANXIN_INDEX_KEY to the same base64 key on every machine",
            data_dir=str(settings.data_dir),
        )
    return generated_key(settings.data_dir, INDEX_KEY_FILE)


def generated_key(data_dir: Path, file_name: str) -> str:
    """A random 32-byte key, written once into the data directory, readable by its owner only."""
    key_file = private_data_dir(data_dir) / file_name
    if not key_file.exists():
        _write_once(key_file, base64.b64encode(secrets.token_bytes(32)).decode())
    return key_file.read_text().strip()


def _write_once(path: Path, text: str) -> None:
    """Written whole into a file of its own (0600), then linked into place: a process starting
    at the same moment reads the whole key or none, and the first key linked stays."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
