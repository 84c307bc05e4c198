"""What went wrong with one row as it is read: errors reject it, warnings drop one field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.catalog.feeds.rows import FeedProblem
from tools.catalog.feeds.values import BadValue


class RowProblems:
    def __init__(self, line: int) -> None:
        self.line = line
        self.id: str | None = None  # set as soon as the row's id is known
        self.errors: list[FeedProblem] = []
        self.warnings: list[FeedProblem] = []

    def error(self, field: str | None, reason: str) -> None:
        self.errors.append(FeedProblem(line=self.line, id=self.id, field=field, reason=reason))

    def warn(self, field: str | None, reason: str) -> None:
        self.warnings.append(FeedProblem(line=self.line, id=self.id, field=field, reason=reason,
                                         severity="warning"))

    def read(self, field: str, raw: str | None, parse: Callable[[str], Any]) -> Any:
        """The parsed value, or None with a warning (the row is kept, the field unknown)."""
        if raw is None:
            return None
        try:
            return parse(raw)
        except BadValue as e:
            self.warn(field, f"{e}; left empty")
            return None

    def need(self, field: str, raw: str | None, parse: Callable[[str], Any]) -> Any:
        """The parsed value, or None with an error (the row is rejected)."""
        try:
            return parse(raw) if raw is not None else None
        except BadValue as e:
            self.error(field, str(e))
            return None
