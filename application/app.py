"""The assembled application: every bounded context's commands on one event log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.persistence import JSONTranscoder

from application import batches, cases, claims, ledger, policies, rules, services
from application.audit import seals
from application.commands.cases import (
    AddMember,
    AssignContacts,
    CloseFamily,
    GrantGreenChannel,
    MarkMemberDeceased,
    RegisterFamily,
    ReopenFamily,
    SignFamilyDoctor,
    TransferFamily,
)
from application.commands.claims import (
    ApproveClaim,
    CancelClaim,
    PayClaim,
    RejectClaim,
    SubmitClaim,
)
from application.commands.ledger import (
    Allocate,
    OpenFund,
    PostTransfer,
    RecordReceipt,
    VoidTransfer,
)
from application.commands.policies import EnrolPolicy
from application.commands.rules import AddRuleVersion
from application.commands.seals import SealLedger
from application.commands.services import CorrectService, RecordService, VoidService
from application.handling import CommandResult, DateAsISO, DecisionLoop, Handler
from application.principal import Principal
from application.resident_ids import ResidentIdHasher
from application.user_directory import UserDirectory
from domain.errors import NotFoundError
from domain.ledger.account import Account
from infrastructure.clock import BusinessClock

Command = (
    RegisterFamily
    | AddMember
    | MarkMemberDeceased
    | AssignContacts
    | SignFamilyDoctor
    | GrantGreenChannel
    | TransferFamily
    | CloseFamily
    | ReopenFamily
    | RecordService
    | CorrectService
    | VoidService
    | OpenFund
    | RecordReceipt
    | Allocate
    | PostTransfer
    | VoidTransfer
    | EnrolPolicy
    | AddRuleVersion
    | SubmitClaim
    | ApproveClaim
    | RejectClaim
    | PayClaim
    | CancelClaim
    | SealLedger
)

HANDLERS: dict[type[Any], Handler] = {
    RegisterFamily: cases.register_family,
    AddMember: cases.add_member,
    MarkMemberDeceased: cases.mark_member_deceased,
    AssignContacts: cases.assign_contacts,
    SignFamilyDoctor: cases.sign_family_doctor,
    GrantGreenChannel: cases.grant_green_channel,
    TransferFamily: cases.transfer_family,
    CloseFamily: cases.close_family,
    ReopenFamily: cases.reopen_family,
    RecordService: services.record_service,
    CorrectService: services.correct_service,
    VoidService: services.void_service,
    OpenFund: ledger.open_fund,
    RecordReceipt: ledger.record_receipt,
    Allocate: ledger.allocate,
    PostTransfer: ledger.post_transfer,
    VoidTransfer: ledger.void_transfer,
    EnrolPolicy: policies.enrol_policy,
    AddRuleVersion: rules.add_rule_version,
    SubmitClaim: claims.submit_claim,
    ApproveClaim: claims.approve_claim,
    RejectClaim: claims.reject_claim,
    PayClaim: claims.pay_claim,
    CancelClaim: claims.cancel_claim,
    SealLedger: seals.seal_ledger,
}


class Nuanxin(Application[UUID]):
    """One `eventsourcing` application, so that a service record or a claim and the payment
    it makes save atomically, and projections and auditors follow one ordered log."""

    name = "nuanxin"
    # Fund accounts collect an entry per posting; a snapshot every 200 keeps loading them
    # cheap (replaying 1,000 events takes ~40 ms, a snapshot ~1 ms).
    snapshotting_intervals = {Account: 200}  # noqa: RUF012 -- the library reads this class attribute

    def __init__(self, env: Mapping[str, str], clock: BusinessClock) -> None:
        super().__init__(env)
        self.clock = clock
        self.after_save: list[Callable[[], None]] = []
        self.users = UserDirectory(self)
        self._decisions = DecisionLoop(self)

    def handle(
        self, principal: Principal, command: Command, idempotency_key: str | None = None
    ) -> CommandResult:
        """Decides the command and saves what it changed, or answers the response stored
        under the Idempotency-Key by an earlier request."""
        handled = HANDLERS[type(command)](self, principal, command, idempotency_key)
        return self._decisions.execute(principal, handled, idempotency_key)

    def construct_repository(self) -> Repository[UUID]:
        return batches.staging(super().construct_repository())

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if batches.staged(objs):
            return []
        recordings = super().save(*objs, **kwargs)
        for listener in self.after_save:
            listener()
        return recordings

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @cached_property
    def resident_ids(self) -> ResidentIdHasher:
        return ResidentIdHasher.from_base64(self.env["RESIDENT_INDEX_KEY"])

    def today(self) -> dt.date:
        return self.clock.today()

    def load(self, aggregate_id: UUID, kind: type[Any], what: str) -> Any:
        """The aggregate of the given class, or our NotFoundError."""
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"{what} {aggregate_id} not found") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"{what} {aggregate_id} not found")
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository
