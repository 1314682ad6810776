"""How entries add up: an account's totals per side, and what it has available per business
date. Shared by the Account aggregate and by an auditor recomputing balances from the stored
events, so that the two cannot count an entry differently."""

from __future__ import annotations

import datetime as dt

from domain.hashing import canonical_date
from domain.ledger.vocabulary import PHASE_EFFECT, EntryPhase, Side


class SideTotals:
    """An account's totals kept per side, as TigerBeetle does, so that the double-entry
    invariant (all debits equal all credits) can be checked by summing them. Shared by the
    Account aggregate and by an auditor recomputing balances from the stored events, so that
    the two cannot count an entry differently."""

    posted_debits: int
    posted_credits: int
    pending_debits: int
    pending_credits: int

    def add_entry(self, side: Side, phase: EntryPhase, amount_fen: int) -> None:
        posted_sign, pending_sign = PHASE_EFFECT[phase]
        if side == Side.DEBIT:
            self.posted_debits += posted_sign * amount_fen
            self.pending_debits += pending_sign * amount_fen
        else:
            self.posted_credits += posted_sign * amount_fen
            self.pending_credits += pending_sign * amount_fen

    @property
    def posted(self) -> int:
        """As a fund sees it: money in is a credit, so the balance is credits less debits."""
        return self.posted_credits - self.posted_debits

    @property
    def pending(self) -> int:
        """What is reserved for transfers not yet posted or voided: the pending debits. Pending
        credits are not the account's until posted, since they may yet be voided."""
        return self.pending_debits

    @property
    def available(self) -> int:
        """What can be spent: the posted balance less what is pending."""
        return self.posted - self.pending


def available_change(side: Side, phase: EntryPhase, amount_fen: int) -> int:
    """How an entry changes its account's `available`: a posted or pending debit lowers it, a
    voided reservation gives it back, posting a reservation leaves it (the reservation already
    counted); a credit raises it once posted, not while pending."""
    posted_sign, pending_sign = PHASE_EFFECT[phase]
    if side == Side.DEBIT:
        return -(posted_sign + pending_sign) * amount_fen
    return posted_sign * amount_fen


class DatedAvailable:
    """An account's `available` per business date, so that a backdated debit is held to every
    date from its own on: the balances and the journal are read as of a date, and no fund may
    show a negative amount as of any date, nor at any posting of its journal (which runs in
    date order, then in the order entries were recorded).

    Per date (an ISO string, so that a snapshot keeps it as it is): the net change the day's
    entries make to `available`, and the lowest running change after each of them in the order
    they were recorded. A new entry dated D comes after every entry already dated D. Shared by
    the Account aggregate and by an auditor, so that the two cannot judge a date differently."""

    available_by_date: dict[str, list[int]]

    def add_dated_entry(
        self, side: Side, phase: EntryPhase, amount_fen: int, occurred_on: dt.date | str
    ) -> None:
        change = available_change(side, phase, amount_fen)
        day = canonical_date(occurred_on)
        totals = self.available_by_date.get(day)
        if totals is None:
            self.available_by_date[day] = [change, change]
        else:
            totals[0] += change
            totals[1] = min(totals[1], totals[0])

    def lowest_available_from(self, occurred_on: dt.date | str) -> tuple[int, str]:
        """The least the account has available, from the end of `occurred_on` on, and the date
        it is at: what a debit dated `occurred_on` may take at most. O(number of dates)."""
        day = canonical_date(occurred_on)
        running = 0
        lowest: int | None = None
        lowest_on = day
        for date in sorted(self.available_by_date):
            net, low = self.available_by_date[date]
            if date > day:
                if lowest is None:
                    lowest = running  # as of `occurred_on`: every entry up to its end
                if running + low < lowest:
                    lowest, lowest_on = running + low, date
            running += net
        if lowest is None:
            lowest = running
        return lowest, lowest_on
