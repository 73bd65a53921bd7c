"""What official documents say about their issuer: kept in the workspace (one per bureau or
township), so every report and notice from it reads the same. ``ycdesk settings`` shows
and changes them."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _

# key → (label, default)
FIELDS = {
    "issuer": (_("发文机关（全称，与印章一致）"), "绍兴市生态环境局越城分局"),
    "notice_prefix": (_("整改通知书文号前缀"), "越环整改"),
    "legal_basis": (
        _("整改通知书的法律依据"),
        "《中华人民共和国固体废物污染环境防治法》第七十七条至第八十一条、第一百一十二条"
        "及《危险废物规范化环境管理评估工作方案》",
    ),
    "contact": (_("联系人及电话"), ""),
    "preparer": (_("报告编制人（未设置时用操作人姓名）"), ""),
}


def preparer(store) -> str:
    """Who a report names as 编制: the operator when one was given (the app's 操作人, the
    CLI's --operator), else the workspace's preparer setting — never the computer's login
    name, which is what an operator nobody set defaults to. Empty when nobody is known."""
    from ycdesk.store import default_operator

    if store.operator and store.operator != default_operator():
        return store.operator
    return get(store, "preparer")


def get(store, key: str) -> str:
    label, default = FIELDS[key]
    return store.meta(f"document:{key}", default) or default


def all_settings(store) -> dict[str, str]:
    return {key: get(store, key) for key in FIELDS}


def set_value(store, key: str, value: str) -> None:
    if key not in FIELDS:
        raise UserError(_("没有名为“{0}”的设置，可设置：{1}").format(key, "、".join(FIELDS)))
    value = (value or "").strip()
    if key in ("issuer", "notice_prefix") and not value:
        raise UserError(_("{0}不能为空").format(FIELDS[key][0]))
    store.set_meta(f"document:{key}", value)


def next_notice_number(store, audit_id: str, year: int) -> str:
    """The 文号 of the 整改通知书 for ``audit_id``: assigned once (the next of its year) and
    kept, so the notice reprints with the same number."""
    key = f"notice_number:{audit_id}"
    number = store.meta(key)
    if number:
        return number
    with store.transaction():
        seq = int(store.meta(f"notice_seq:{year}", "0")) + 1
        number = f"{get(store, 'notice_prefix')}〔{year}〕{seq}号"
        store.set_meta(f"notice_seq:{year}", str(seq))
        store.set_meta(key, number)
    return number
