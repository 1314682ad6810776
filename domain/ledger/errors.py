"""The ledger's named refusals."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotAllowedError, RuleViolatedError
from domain.ledger.vocabulary import TransferState
from domain.money import yuan_from_fen


class InsufficientFundsError(RuleViolatedError):
    """`as_of` names the business date whose balance binds, when it is not the account's
    balance now: a backdated debit must leave every later date non-negative too."""

    def __init__(
        self,
        account_id: UUID,
        account_name: str,
        available_fen: int,
        asked_fen: int,
        *,
        as_of: str | None = None,
    ) -> None:
        when = f" as of {as_of}" if as_of is not None else ""
        super().__init__(
            f"account {account_id} ({account_name}) has {yuan_from_fen(available_fen)} "
            f"available{when}, less than the {yuan_from_fen(asked_fen)} asked"
        )
        self.account_id = account_id
        self.available_fen = available_fen
        self.asked_fen = asked_fen
        self.as_of = as_of


class RingFenceViolatedError(RuleViolatedError):
    """Ring-fencing (专款专用): fund money stays in its source and programme and flows down."""


class AccountKindMismatchError(RuleViolatedError):
    """Receipts come from outside into a fund, allocations go between funds, payments go from a
    fund to a family; nothing else moves money."""


class TransferNotPendingError(RuleViolatedError):
    def __init__(self, transfer_id: UUID, state: TransferState) -> None:
        super().__init__(f"transfer {transfer_id} is {state}, not pending; it is settled once")
        self.transfer_id = transfer_id
        self.state = state


class TransferNotReversibleError(RuleViolatedError):
    """Only a posted transfer that is not itself a reversal is reversed, and only once."""


class VisitCashFromWrongFundError(RingFenceViolatedError):
    """A visit's cash comes only from a warm_heart fund of a region covering the family's."""


class SameFundTransferError(RuleViolatedError):
    """A transfer from a fund to itself would move nothing."""


class SettledByItsRecorderError(NotAllowedError):
    """Segregation of duties: who reserved money may not also release or spend it."""


class SettlerOutsideSourceRegionError(NotAllowedError):
    """A pending transfer is settled by a user whose region covers the fund it draws on."""
