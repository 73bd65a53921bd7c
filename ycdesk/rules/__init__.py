"""One validator per kind of record.

The app's forms (through the core API), the importer and exchange packages all call
these functions, so a value is accepted or refused with the same Chinese reason
whichever way it arrives. Each returns the cleaned value or raises
:class:`ycdesk.errors.UserError`; the ones the importer calls per row in big files
return the reason instead (``None`` when the record is acceptable), so 100,000 good rows
cost one call each and no exception.

"Today" is always passed in (the store's clock), never read here: tests and reports
decide what today is.
"""

# Excel's limit for one cell: a longer text could not be exported back to xlsx (and the
# search index of short texts cuts descriptions only that far; see migration 21).
MAX_TEXT = 32_767


def not_one_of(label: str, value, choices) -> str:
    """The one wording for a value outside a fixed list, typed or imported."""
    from ycdesk.i18n import _

    return _("{0}“{1}”无法识别，可用：{2}").format(label, value, "、".join(sorted(set(choices))))


def blank_to_none(value):
    """A typed text with its spaces trimmed; an empty one is no value (NULL), as on import."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def deletion_reason(reason: str | None, action: str) -> str:
    """The reason a deletion or removal needs (kept on the row and in history)."""
    from ycdesk.errors import UserError
    from ycdesk.i18n import _

    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("{0}需要填写原因").format(action))
    return reason
