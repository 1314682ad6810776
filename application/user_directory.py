"""Users and bearer-token authentication (issue, list, revoke, expire), and who each bearer
token names, kept in memory and kept current by the event log.

Authenticating from the aggregates took three store reads and two deep copies per request.
The directory instead follows the log's User and TokenIndex events: each request asks the
store for the log's last position (one indexed read) and, when it has moved, reads the new
notifications of those topics only, so that users added or changed by any process are seen
by the next request here."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from application.errors import UnauthenticatedError
from application.principal import Principal
from application.users import IssuedUser, UserListing, listing
from domain.errors import InvalidValueError, NotFoundError
from domain.user import TokenIndex, User
from domain.values import Role, parse_region_code
from infrastructure.tokens import hash_token, new_token

PAGE_SIZE = 1000


def event_topics(aggregate_class: type[Aggregate]) -> list[str]:
    """The topics of every event class the aggregate class declares."""
    return [
        get_topic(member)
        for member in vars(aggregate_class).values()
        if isinstance(member, type) and issubclass(member, aggregate_class.Event)
    ]


USER_TOPICS = frozenset(event_topics(User))
TOKEN_TOPICS = frozenset(event_topics(TokenIndex))


class UserDirectory:
    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self._position = 0
        self._user_of_token: dict[UUID, UUID] = {}  # by the token index's id
        self._users: dict[UUID, User] = {}  # in the order they were created
        self._following = threading.Lock()

    def add_user(
        self,
        name: str,
        role: Role,
        region_code: str | None,
        *,
        expires_in: dt.timedelta | None = None,
    ) -> IssuedUser:
        """Creates a user and returns its bearer token, which is stored only as a hash."""
        if not name.strip():
            raise InvalidValueError("a user needs a name", field="name")
        region = parse_region_code(region_code, field="region") if region_code else None
        if expires_in is not None and expires_in <= dt.timedelta(0):
            raise InvalidValueError("a token expires a day or more from now", field="expires_in")
        token = new_token()
        token_hash = hash_token(token)
        expires_at = _now() + expires_in if expires_in is not None else None
        user = User(
            name=name,
            role=Role(role),
            region_code=region,
            token_hash=token_hash,
            expires_at=expires_at,
        )
        index = TokenIndex(token_hash=token_hash, user_id=user.id)
        self.app.save(user, index)
        return IssuedUser(user_id=user.id, token=token)

    def list_users(self) -> list[UserListing]:
        return [listing(user) for user in self.all()]

    def revoke_user(self, name_or_id: str) -> UserListing:
        """Revokes the user's token at once. A name shared by several users is refused: the
        caller names the one by its id."""
        matches = [user for user in self.all() if name_or_id in (user.name, str(user.id))]
        if not matches:
            raise NotFoundError(f"no user named {name_or_id}")
        if len(matches) > 1:
            ids = ", ".join(str(user.id) for user in matches)
            raise InvalidValueError(
                f"{len(matches)} users are named {name_or_id}; revoke one by its id ({ids})",
                field="name",
            )
        user: Any = self.app.repository.get(matches[0].id)
        user.revoke()
        self.app.save(user)
        return listing(user)

    def authenticate(self, token: str) -> Principal:
        user = self.user_for(hash_token(token))
        if user is None:
            raise UnauthenticatedError("unknown bearer token")
        if not user.may_authenticate_at(_now()):
            raise UnauthenticatedError("this bearer token was revoked or has expired")
        return Principal(
            user_id=str(user.id), name=user.name, role=user.role, region_code=user.region_code
        )

    def user_for(self, token_hash: str) -> User | None:
        """The user the token hash names, as of the log's last position, or None."""
        self.catch_up()
        user_id = self._user_of_token.get(TokenIndex.create_id(token_hash))
        return None if user_id is None else self._users.get(user_id)

    def all(self) -> list[User]:
        self.catch_up()
        return sorted(self._users.values(), key=lambda user: user.created_on)

    def catch_up(self) -> None:
        head = self.app.recorder.max_notification_id() or 0
        if head <= self._position:
            return
        with self._following:
            if head <= self._position:  # another request caught up meanwhile
                return
            users, tokens = self._changed_between(self._position, head)
            for token_id in tokens:
                index: Any = self.app.repository.get(token_id)
                self._user_of_token[token_id] = index.user_id
            for user_id in users:
                self._users[user_id] = self.app.repository.get(user_id)
            self._position = head

    def _changed_between(self, start: int, stop: int) -> tuple[set[UUID], set[UUID]]:
        """The ids of the users and token indexes with events after `start` up to `stop`."""
        users: set[UUID] = set()
        tokens: set[UUID] = set()
        while page := self.app.recorder.select_notifications(
            start=start,
            stop=stop,
            limit=PAGE_SIZE,
            topics=[*USER_TOPICS, *TOKEN_TOPICS],
            inclusive_of_start=False,
        ):
            for notification in page:
                changed = users if notification.topic in USER_TOPICS else tokens
                changed.add(UUID(str(notification.originator_id)))
            start = page[-1].id
        return users, tokens


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
