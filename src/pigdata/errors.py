"""The one root of pigdata's errors: a rule code, Chinese and English text, an HTTP status.

Every error that the platform means to show a user derives from `PigdataError`; the API
renders it as RFC 9457 problem details and the CLI prints it in one handler each. Any other
exception reaching those edges is a bug and is shown as one.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PigdataError(Exception):
    """An error that names the rule broken, in Chinese and English.

    Subclasses set `status` (the HTTP status it is answered with), `title` (the problem
    type's short English title) and `rule` (the default rule code); a raise may name a more
    precise rule. `extra` members go into the problem document as they are.
    """

    status: ClassVar[int] = 422
    title: ClassVar[str] = "Invalid input"
    rule: str = "input.invalid"

    def __init__(self, zh: str, en: str, *, rule: str | None = None, **extra: Any) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
        if rule is not None:
            self.rule = rule
        self.extra = extra

    @classmethod
    def from_message(cls, message: str, **extra: Any) -> PigdataError:
        """Give the error for a message written as one "中文 / English" line."""
        zh, _, en = message.partition(" / ")
        return cls(zh, en or zh, **extra)

    @property
    def message(self) -> str:
        """Give the error as one bilingual line."""
        return f"{self.zh} / {self.en}"


class InvalidInput(PigdataError):
    """A request or a file that cannot be taken as it is."""


class NotFound(PigdataError):
    """What was asked for does not exist."""

    status = 404
    title = "Not found"
    rule = "not_found"


class Unauthorized(PigdataError):
    """No valid credentials: a missing, malformed, unknown, revoked or expired token."""

    status = 401
    title = "Unauthorized"
    rule = "access.token"


class Forbidden(PigdataError):
    """The principal may not see or do what it asked for."""

    status = 403
    title = "Forbidden"
    rule = "access.scope"


class TooLarge(PigdataError):
    """An input beyond a configured limit (body, file, row, cell)."""

    status = 413
    title = "Too large"
    rule = "input.limit"


class Conflict(PigdataError):
    """A request that clashes with what the store already holds."""

    status = 409
    title = "Conflict"
    rule = "conflict"
