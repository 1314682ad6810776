"""Named domain errors. Each carries the request field it concerns, where there is one."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the command."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValueError(DomainError):
    """A value is malformed: answered as a field-level validation error."""


class NotAllowedError(DomainError):
    """A rule of the domain says this user may not do this (403): segregation of duties, say."""


class RuleViolatedError(DomainError):
    """The command conflicts with the case as it stands (409)."""


class DuplicateResidentError(RuleViolatedError):
    """`existing_family_id` is None when the caller may not learn of that family."""

    def __init__(self, id_number_field: str, existing_family_id: str | None) -> None:
        where = (
            f"open family {existing_family_id}"
            if existing_family_id
            else ("an open family in another region")
        )
        super().__init__(f"this resident ID already belongs to {where}", field=id_number_field)
        self.existing_family_id = existing_family_id


class NotFoundError(DomainError):
    """The thing named does not exist, or the caller may not learn that it does."""
