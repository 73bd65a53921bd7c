"""Exceptions for conditions a user can cause. Their messages are shown as written."""


class UserError(Exception):
    """Bad input from a user (file, value, command): shown in Chinese, nothing changed."""

    exit_code = 1


class NotFoundError(UserError):
    """A record named by the user does not exist."""


class UnreadableFileError(UserError):
    """A file that cannot be opened or parsed at all."""

    exit_code = 2


class NeedsConfirmation(UserError):
    """Allowed, but unusual enough that the user must confirm (e.g. an outlier value)."""


class NeedsReason(UserError):
    """Allowed only with a stated reason (e.g. a value for a period still to come)."""


class EnvironmentProblem(UserError):
    """The computer, not the input: locked, disk full, read-only, missing folder (exit 3)."""

    exit_code = 3


class Cancelled(Exception):
    """The user stopped a long operation. Core work raises it from a progress callback, and
    whatever it was writing is left unwritten (a transaction rolled back, a temporary file
    removed); the UI says 已取消. Not a UserError: nothing was wrong."""
