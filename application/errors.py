"""Errors that the application raises beyond the domain's own."""

from __future__ import annotations

from domain.errors import DomainError


class UnauthenticatedError(DomainError):
    """No token, or a token that names no user."""


class TooManyFailedAuthenticationsError(DomainError):
    """The client's address failed to authenticate too often; it may try again later."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"too many failed authentications from this address; try again in "
            f"{retry_after_seconds} s"
        )
        self.retry_after_seconds = retry_after_seconds


class PermissionDeniedError(DomainError):
    """The caller's role may not do this."""


class VersionMismatchError(DomainError):
    """If-Match named a version that is not the current one."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the resource is at version {actual}, not {expected}", field="If-Match")
        self.actual = actual


class IdempotencyKeyReusedError(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was already used for a different request",
            field="Idempotency-Key",
        )


class IdempotencyKeyRequiredError(DomainError):
    """A command that moves money came without a key, so a retry could pay twice."""

    def __init__(self) -> None:
        super().__init__(
            "a command that moves money needs an Idempotency-Key header, so that a retry "
            "cannot pay twice",
            field="Idempotency-Key",
        )


class ConcurrencyError(DomainError):
    """Too many concurrent writers changed the same records; the client may retry."""
