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
    """The machine, not the input: a locked or read-only file, a full disk, a missing folder."""

    exit_code = 3
