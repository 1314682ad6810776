"""Who may do what: the one table (domain.permissions), checked without a database."""

from __future__ import annotations

import pytest

from domain.permissions import PERMISSIONS, Action, role_may
from domain.values import Role


def test_every_action_has_a_row_in_the_table() -> None:
    assert set(PERMISSIONS) == set(Action)


def test_only_caseworkers_record_cases() -> None:
    assert [role for role in Role if role_may(role, Action.RECORD_CASES)] == [Role.CASEWORKER]


@pytest.mark.parametrize(
    "action", [Action.RECORD_CASES, Action.MANAGE_FUNDS, Action.SETTLE_TRANSFERS]
)
def test_auditors_read_but_never_write(action: Action) -> None:
    assert not role_may(Role.AUDITOR, action)


def test_caseworkers_do_not_read_the_ledger_journal() -> None:
    assert not role_may(Role.CASEWORKER, Action.READ_LEDGER)
