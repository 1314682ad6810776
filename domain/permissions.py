"""Who may do what: one table of actions and the roles that may take them (DESIGN.md section 7).

Region scope narrows every action further (a caseworker of 430121 acts on 430121's families
only); that is `region_scope` and the principal's `covers`, not this table."""

from __future__ import annotations

from enum import StrEnum

from domain.values import Role


class Action(StrEnum):
    """Each value reads as what the caller may do, for the refusal's message."""

    READ_CASES = "read families, services and timelines"
    SEARCH_BY_PERSONAL_DATA = "search families by a name or a resident ID"
    RECORD_CASES = "record families and services"
    READ_FUNDS = "read funds"
    READ_LEDGER = "read the ledger's journal, balances and transfers"
    MANAGE_FUNDS = "open funds, receive money and move it between funds"
    SETTLE_TRANSFERS = "post or void a pending transfer"
    VERIFY_LEDGER = "verify the ledger"
    SEAL_LEDGER = "seal the ledger (with the auditors' key)"
    READ_SEALS = "read the ledger's seals"
    EXPORT_LEDGER = "export the ledger as an audit bundle"
    READ_REPORTS = "read reports"
    READ_ACCESS_LOG = "read the log of who read which family's personal data"
    READ_CLAIMS = "read claims, policies and rules"
    SUBMIT_CLAIMS = "submit claims"
    ENROL_POLICIES = "enrol members in insurance policies"
    DECIDE_CLAIMS = "approve or reject claims"
    PAY_CLAIMS = "pay claims"
    CANCEL_CLAIMS = "cancel claims"
    MANAGE_RULES = "add versions of the rules"


_EVERYONE = frozenset(Role)

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ_CASES: _EVERYONE,
    # Those who see names masked may not search by them either: each answer to "does a name
    # with 秀 match?" would give back a character of the name the mask hides.
    Action.SEARCH_BY_PERSONAL_DATA: frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
    Action.RECORD_CASES: frozenset({Role.CASEWORKER}),
    Action.READ_FUNDS: _EVERYONE,
    Action.READ_LEDGER: frozenset({Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR}),
    Action.MANAGE_FUNDS: frozenset({Role.ADMIN}),
    Action.SETTLE_TRANSFERS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.VERIFY_LEDGER: frozenset({Role.AUDITOR, Role.ADMIN}),
    # The seal's private key is the auditors' alone (DESIGN.md section 4): the admins who run
    # the server must not be able to close a period they could then rewrite.
    Action.SEAL_LEDGER: frozenset({Role.AUDITOR}),
    Action.EXPORT_LEDGER: frozenset({Role.AUDITOR}),
    Action.READ_SEALS: frozenset({Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR}),
    # Caseworkers too: the 双岗联系人 of a township works from its overdue list. Region scope
    # keeps every report to the caller's subtree; auditors and admins see contacts masked.
    Action.READ_REPORTS: _EVERYONE,
    Action.READ_ACCESS_LOG: frozenset({Role.ADMIN}),
    Action.READ_CLAIMS: _EVERYONE,
    Action.SUBMIT_CLAIMS: frozenset({Role.CASEWORKER}),
    Action.ENROL_POLICIES: frozenset({Role.CASEWORKER}),
    Action.DECIDE_CLAIMS: frozenset({Role.SUPERVISOR}),
    Action.PAY_CLAIMS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # The submitter may cancel their own claim; any supervisor of the region may cancel one.
    Action.CANCEL_CLAIMS: frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
    Action.MANAGE_RULES: frozenset({Role.ADMIN}),
}
"""Every action has a row: a new action without one fails `roles_allowed_to` loudly."""


def roles_allowed_to(action: Action) -> frozenset[Role]:
    return PERMISSIONS[action]


def role_may(role: Role, action: Action) -> bool:
    return role in roles_allowed_to(action)


ROLES_THAT_SEE_PERSONAL_DATA = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
"""Caseworkers and supervisors work with people, within their region; auditors and admins
see personal data masked everywhere (DESIGN.md section 7)."""
