"""Where the access log is kept: beside the event store, in a table or file of its own
(`nuanxin_access_*` tables in PostgreSQL, `access.sqlite3` embedded), encrypted like it."""

from __future__ import annotations

from infrastructure.persistence import backend_environment, cipher_key
from infrastructure.settings import Settings

ACCESS_DB_FILE = "access.sqlite3"


def access_log_environment(settings: Settings) -> dict[str, str]:
    return {
        **backend_environment(settings, ACCESS_DB_FILE),
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": cipher_key(settings),
    }
