"""The audit decodes a pass's rows with one AES-GCM object when the application's cipher is
exactly the library's AESCipher (faster to verify): it reads what the library's own cipher
reads, and refuses a damaged row with the library's own words; any other cipher decrypts
through its own `decrypt`."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable

import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Notification
from eventsourcing.utils import Environment

from api.runtime import Runtime
from application.audit.records import EVERY_TOPIC
from application.audit.store import RowDecoder, log_head, stored_records
from application.demo import load_demo_county


def stored_rows(runtime: Runtime) -> list[Notification]:
    rows: list[Notification] = runtime.app.recorder.select_notifications(
        start=0, limit=10_000, stop=log_head(runtime.app), inclusive_of_start=False
    )
    return rows


def library_reads(runtime: Runtime, row: Notification) -> str:
    mapper = runtime.app.mapper
    payload = mapper.compressor.decompress(mapper.cipher.decrypt(row.state))
    return str(payload.decode("utf-8"))


def library_refuses(runtime: Runtime, state: bytes) -> str:
    with pytest.raises(ValueError, match="cipher") as refused:
        runtime.app.mapper.cipher.decrypt(state)
    return str(refused.value)


def test_every_row_reads_as_the_librarys_cipher_reads_it(runtime: Runtime) -> None:
    load_demo_county(runtime.app, families=5)
    rows = stored_rows(runtime)

    records = list(stored_records(runtime.app, EVERY_TOPIC, stop=log_head(runtime.app)))

    assert type(runtime.app.mapper.cipher) is AESCipher
    assert len(records) == len(rows) > 50
    assert [r.payload for r in records] == [library_reads(runtime, row) for row in rows]
    assert all(r.state is not None and r.error is None for r in records)


@pytest.mark.parametrize(
    "damage",
    [
        lambda state: state[:5],  # no whole nonce
        lambda state: state[:20],  # no whole tag
        lambda state: state[:12] + bytes([state[12] ^ 1]) + state[13:],  # a changed tag
        lambda state: state[:-1] + bytes([state[-1] ^ 1]),  # a changed ciphertext
    ],
)
def test_a_damaged_row_is_refused_in_the_librarys_words(
    runtime: Runtime, damage: Callable[[bytes], bytes]
) -> None:
    load_demo_county(runtime.app, families=1)
    row = stored_rows(runtime)[0]
    damaged = damage(row.state)

    record = RowDecoder(runtime.app).record(dataclasses.replace(row, state=damaged))

    assert record.state is None
    assert record.error == library_refuses(runtime, damaged)


class CountingCipher(AESCipher):
    """Another cipher than exactly the library's: the decoder must use its decrypt."""

    calls = 0

    def decrypt(self, ciphertext: bytes) -> bytes:
        CountingCipher.calls += 1
        return super().decrypt(ciphertext)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_another_cipher_decrypts_through_its_own_decrypt(runtime: Runtime) -> None:
    load_demo_county(runtime.app, families=1)
    for runner in runtime.runners.values():  # their reads of the log would be counted too
        runner.stop()
    key = base64.b64encode(runtime.app.mapper.cipher.key).decode("ascii")
    runtime.app.mapper.cipher = CountingCipher(Environment(env={"CIPHER_KEY": key}))
    CountingCipher.calls = 0

    records = list(stored_records(runtime.app, EVERY_TOPIC, stop=log_head(runtime.app)))

    assert CountingCipher.calls == len(records) > 0
    assert all(r.state is not None for r in records)
