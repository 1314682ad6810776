"""A stored payload is read by the JSON scanner at once (faster to verify); text around it or
no JSON at all is read or refused as `json` reads or refuses it."""

from __future__ import annotations

import json

import pytest

from application.audit.records import decode_payload

ID = "6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11"


@pytest.mark.parametrize(
    "payload",
    [
        '{"a":1,"id":{"_type_":"uuid_hex","_data_":"6f1c1f386f5e4f2e9d1b2f1f0c9a2b11"}}',
        ' {"a":1,"id":{"_type_":"uuid_hex","_data_":"6f1c1f386f5e4f2e9d1b2f1f0c9a2b11"}}\n',
    ],
)
def test_a_payload_reads_as_its_fields_with_ids_in_their_one_form(payload: str) -> None:
    assert decode_payload(payload) == {"a": 1, "id": ID}


def test_the_class_version_is_not_a_field() -> None:
    assert decode_payload('{"class_version":2,"a":"b"}') == {"a": "b"}


@pytest.mark.parametrize(
    ("payload", "refusal"),
    [
        ('{"a":1}{"b":2}', "Extra data"),
        ('{"a":1} x', "Extra data"),
        ("", "Expecting value"),
        ("  ", "Expecting value"),
        ("x", "Expecting value"),
        ('{"a":', "Expecting value"),
        ('{"a" 1}', "Expecting ':' delimiter"),
        ("[1, 2]", "an event's payload is a JSON object"),
        ("3", "an event's payload is a JSON object"),
    ],
)
def test_what_is_not_an_events_json_is_refused(payload: str, refusal: str) -> None:
    with pytest.raises(ValueError, match=refusal):
        decode_payload(payload)
    if refusal != "an event's payload is a JSON object":
        with pytest.raises(json.JSONDecodeError, match=refusal):
            json.loads(payload)
