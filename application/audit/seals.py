"""Period closes of the log (日结 / 月结), signed by an auditor: the service prepares what is to
be signed (a draft: the root hash over every aggregate's chain at the log's position, and the
rest of the seal's terms), the auditor signs it with the private key that only the auditors
hold, on their own machine, and the service records the seal only if the signature verifies
with the public key given. The service never sees the private key. The seal itself and its
hashes are the domain's (`domain.seal`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from application.audit.checker import LedgerChecker
from application.audit.collector import collector_paused
from application.audit.report import Findings, ProblemKind
from application.audit.store import log_head
from application.audit.verify import check_store
from application.commands.seals import SealLedger
from application.handling import CommandResult, Decision, Handled
from application.principal import Principal
from domain.errors import InvalidValueError, RuleViolatedError
from domain.event_chain import log_root_hash
from domain.permissions import Action
from domain.seal import (
    GENESIS_SEAL_HASH,
    LedgerSeal,
    SealOvertakenError,
    SealTerms,
    a_seal_is_made_by_a_user_covering_every_fund,
)
from infrastructure.seal_keys import (
    SealKeyError,
    parse_public_key,
    public_key_text,
    sign,
    signature_verifies,
)

if TYPE_CHECKING:
    from application.app import Nuanxin

SEAL_ATTEMPTS = 5

_NOT_BLOCKING = frozenset({ProblemKind.LEGACY_SEAL})
"""A legacy seal stays a finding of every verification, but a new, signed seal may follow it."""


class LedgerNotVerifiedError(RuleViolatedError):
    """A period is not closed over a ledger that fails verification: the seal would bless it."""


def seal_body(seal: LedgerSeal) -> dict[str, Any]:
    return {
        "id": str(seal.id),
        "version": seal.version,
        "sequence": seal.sequence,
        "position": seal.position,
        "accounts": seal.accounts,
        "root_hash": seal.root_hash,
        "previous_seal_id": str(seal.previous_seal_id) if seal.previous_seal_id else None,
        "previous_seal_hash": seal.previous_seal_hash,
        "seal_hash": seal.seal_hash,
        "sealed_at": seal.sealed_at.isoformat(),
        "sealed_by": seal.sealed_by,
        "sealed_by_id": seal.sealed_by_id,
        "aggregates": seal.aggregates,
        "public_key": seal.public_key,
        "signature": seal.signature,
    }


def latest_seal(app: Nuanxin) -> LedgerSeal | None:
    """Seals are numbered 1..n with ids derived from the numbers, so the last one is found
    in about 2·log2(n) look-ups: double the number until one is missing, then bisect."""
    if not _seal_exists(app, 1):
        return None
    present, absent = 1, 2
    while _seal_exists(app, absent):
        present, absent = absent, absent * 2
    while absent - present > 1:
        middle = (present + absent) // 2
        if _seal_exists(app, middle):
            present = middle
        else:
            absent = middle
    return _load_seal(app, present)


def count_seals(app: Nuanxin) -> int:
    seal = latest_seal(app)
    return 0 if seal is None else seal.sequence


def list_seals(app: Nuanxin, *, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """Seals in the order they were made, each naming the one before it."""
    last = count_seals(app)
    end = last if limit is None else min(last, offset + limit)
    return [seal_body(_load_seal(app, sequence)) for sequence in range(offset + 1, end + 1)]


def draft_seal(
    app: Nuanxin,
    principal: Principal,
    public_key: str,
    *,
    position: int | None = None,
    sealed_at: str | None = None,
) -> SealTerms:
    """What the auditor is to sign for a seal over the log up to `position` (default: its
    current head), made at `sealed_at` (default: now) by `principal` with `public_key`. The
    log is verified up to there first: a seal would bless whatever it covers."""
    principal.require(Action.SEAL_LEDGER)
    key = _public_key(public_key)
    given = None if sealed_at is None else _moment(sealed_at)
    previous = latest_seal(app)
    head = log_head(app)
    covers = head if position is None else position
    if not 0 <= covers <= head:
        raise InvalidValueError(
            f"position is between 0 and {head}, the log's head", field="position"
        )
    if previous is not None and covers < previous.position:
        raise InvalidValueError(
            f"seal {previous.sequence} already covers position {previous.position}",
            field="position",
        )
    with collector_paused():
        checker = check_store(app, stop=covers, findings=Findings(ignored=_NOT_BLOCKING))
        a_seal_is_made_by_a_user_covering_every_fund(
            checker.accounts.fund_regions(), principal.scope
        )
        report = checker.finish()
    if not report.ok:
        first = report.problems[0]
        raise LedgerNotVerifiedError(
            f"the ledger does not verify, so it is not sealed: {first['problem']} at "
            f"{first['aggregate']} {first['account_id']} version {first['version']}: "
            f"{first['detail']} ({len(report.problems)} problems; see GET /ledger/verify)"
        )
    # Made now, after the pass: every row it covers was made before it.
    moment = given if given is not None else _moment(None)
    return _terms(checker, previous, covers, moment, principal, key)


def record_signed_seal(
    app: Nuanxin,
    principal: Principal,
    *,
    position: int,
    sealed_at: str,
    public_key: str,
    signature: str,
    idempotency_key: str | None = None,
) -> CommandResult:
    """Records the seal of a draft signed by an auditor: the draft's terms are made again
    from the log (never taken from the request), and the seal is recorded only if the
    signature verifies over them with `public_key`, and no other seal came in meanwhile."""
    terms = draft_seal(app, principal, public_key, position=position, sealed_at=sealed_at)
    return app.handle(principal, SealLedger(terms, signature), idempotency_key=idempotency_key)


def seal_with_key(
    app: Nuanxin, principal: Principal, private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Both steps at once, for an auditor at the store with the private key at hand (the
    command line): draft, sign, record; drafted again when another seal came in meanwhile.
    Answers the seal's body."""
    for _ in range(SEAL_ATTEMPTS - 1):
        try:
            return _seal_once(app, principal, private_key)
        except SealOvertakenError:
            continue
    return _seal_once(app, principal, private_key)


def _seal_once(
    app: Nuanxin, principal: Principal, private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    terms = draft_seal(app, principal, public_key_text(private_key.public_key()))
    # The terms were made here, from the log, so they need not be made again to be trusted.
    return app.handle(principal, SealLedger(terms, sign(private_key, terms.message()))).body


def seal_ledger(
    app: Nuanxin, principal: Principal, command: SealLedger, key: str | None
) -> Handled:
    """The handler of `SealLedger`, whose terms its callers drafted from the log."""

    def decide() -> Decision:
        seal = LedgerSeal.close_period(
            previous=latest_seal(app),
            terms=command.terms,
            signature=command.signature,
            check=signature_verifies,
        )
        return [seal], seal_body(seal)

    return Handled(command, decide)


def draft_body(terms: SealTerms) -> dict[str, Any]:
    """A draft as the auditor sees it: its terms, the hash to sign and the exact text whose
    bytes (UTF-8) are signed."""
    return {
        "sequence": terms.sequence,
        "position": terms.position,
        "root_hash": terms.root_hash,
        "accounts": terms.accounts,
        "aggregates": terms.aggregates,
        "touched": len(terms.touched),
        "previous_seal_id": terms.previous_seal_id,
        "previous_seal_hash": terms.previous_seal_hash,
        "sealed_at": terms.sealed_at,
        "sealed_by": terms.sealed_by,
        "sealed_by_id": terms.sealed_by_id,
        "public_key": terms.public_key,
        "seal_hash": terms.seal_hash,
        "message": terms.message().decode("ascii"),
    }


def _terms(
    checker: LedgerChecker,
    previous: LedgerSeal | None,
    covers: int,
    sealed_at: str,
    principal: Principal,
    public_key: str,
) -> SealTerms:
    heads = checker.chains.current()
    since = 0 if previous is None else previous.position
    touched = tuple(
        sorted(
            (aggregate_id, head.version, head.hash)
            for aggregate_id, head in checker.chains.heads.items()
            if head.position > since
        )
    )
    return SealTerms(
        sequence=1 if previous is None else previous.sequence + 1,
        position=covers,
        root_hash=log_root_hash(heads, covers),
        accounts=len(checker.accounts.streams),
        aggregates=len(heads),
        touched=touched,
        previous_seal_id=None if previous is None else str(previous.id),
        previous_seal_hash=GENESIS_SEAL_HASH if previous is None else previous.seal_hash,
        sealed_at=sealed_at,
        sealed_by=principal.name,
        sealed_by_id=principal.user_id,
        public_key=public_key,
    )


def _public_key(text: str) -> str:
    try:
        return parse_public_key(text)
    except SealKeyError as error:
        raise InvalidValueError(str(error), field="public_key") from None


def _moment(sealed_at: str | None) -> str:
    if sealed_at is None:
        return dt.datetime.now(dt.UTC).isoformat()
    try:
        moment = dt.datetime.fromisoformat(sealed_at)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidValueError("sealed_at is a time with its offset (RFC 3339)", field="sealed_at")
    return moment.isoformat()


def _seal_exists(app: Nuanxin, sequence: int) -> bool:
    return app.exists(LedgerSeal.create_id(sequence))


def _load_seal(app: Nuanxin, sequence: int) -> LedgerSeal:
    seal: LedgerSeal = app.load(LedgerSeal.create_id(sequence), LedgerSeal, "seal")
    return seal
