"""Typed errors raised by services; their message is already in the user's language."""


class AppError(Exception):
    """A refused action or bad input, worded for a clerk (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AppError):
    """Input that cannot be parsed or is out of range (bad number, amount, date, name)."""


class NotFound(AppError):
    """A referenced record (series, book, merchant, event) does not exist."""


class Conflict(AppError):
    """The action contradicts the current state (overlap, already issued, duplicate code)."""


class ImportRejected(AppError):
    """An Excel import was refused whole; `problems` lists (sheet, row, column, reason)."""

    def __init__(self, message: str, problems: list[tuple[str, int, str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


class DatabaseError(AppError):
    """The database file cannot be opened or is of an unsupported version."""


class PermissionDenied(AppError):
    """The user is unknown, disabled, locked out, or their role may not do this."""


class DatabaseDamaged(DatabaseError):
    """The SQLite file fails its integrity check (or is not a database any more).

    `backup` names the newest backup that passed its own check (None when there is none), so
    the GUI can offer to restore it; `problems` are what SQLite reported.
    """

    def __init__(self, message: str, path: str = "", problems: tuple[str, ...] = (),
                 backup: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.problems = problems
        self.backup = backup
