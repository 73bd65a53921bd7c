"""The report kinds, declared once: what each is called, what it takes, how it is gathered
and built, and how its period and scope read in the register. The CLI, the 报告 tab and
the register of issued reports all look kinds up here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.registry import declare
from ycdesk.townships import DISTRICT


@dataclass(frozen=True)
class Param:
    """One thing a report takes: the CLI makes ``--name`` of it, the app a field."""

    name: str
    help: str
    required: bool = False
    type: type = str
    default: object = None


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    parameters: tuple[Param, ...]
    gather: Callable[..., dict]  # (store, params) → the report's data (what the fingerprint covers)
    build: Callable[..., dict]  # (store, params, path, progress) → {"hash", "path", "content"}
    period: Callable[[dict], str]  # params → the period it reports on
    scope: Callable[[dict], str]  # params → 全区, a township, or an enterprise
    title: Callable[[dict], str] | None = None  # params → the document's name, if not the label

    def title_for(self, params: dict) -> str:
        return self.title(params) if self.title else self.label


def _quarterly() -> ReportKind:
    from ycdesk.reports import quarterly

    return ReportKind(
        "quarterly",
        _("季度报告"),
        (
            Param("period", _("季度，如 2024Q3"), required=True),
            Param("township", _("只含一个镇街；省略为全区")),
            Param("notes", _("写入报告“备注”一节的文字"), default=""),
            Param("problems", _("“存在问题”一节的文字；省略时按数据预填")),
            Param("next_steps", _("“下一步工作”一节的文字；省略时按数据预填")),
        ),
        gather=lambda store, p: quarterly.gather(
            store,
            p["period"],
            p.get("township"),
            p.get("notes", ""),
            problems=p.get("problems"),
            next_steps=p.get("next_steps"),
        ),
        build=lambda store, p, path, progress=None: quarterly.build(
            store,
            p["period"],
            path,
            township=p.get("township"),
            notes=p.get("notes", ""),
            problems=p.get("problems"),
            next_steps=p.get("next_steps"),
            progress=progress,
        ),
        period=lambda p: str(p["period"]),
        scope=lambda p: p.get("township") or DISTRICT,
    )


def _evaluation() -> ReportKind:
    from ycdesk.reports import evaluation

    return ReportKind(
        "evaluation",
        _("中期评估 / 终期考核"),
        (
            Param("year", _("2023（中期评估）或 2025（终期考核）"), required=True, type=int),
            Param("conclusion", _("“评价结论”一节的文字；省略时按数据预填")),
            Param("recommendations", _("“意见建议”一节的文字；省略时按数据预填")),
        ),
        gather=lambda store, p: evaluation.gather(
            store, int(p["year"]), conclusion=p.get("conclusion"), recommendations=p.get("recommendations")
        ),
        build=lambda store, p, path, progress=None: evaluation.build(
            store,
            int(p["year"]),
            path,
            progress=progress,
            conclusion=p.get("conclusion"),
            recommendations=p.get("recommendations"),
        ),
        period=lambda p: str(p["year"]),
        scope=lambda p: DISTRICT,
        title=lambda p: evaluation.KINDS.get(int(p["year"]), _("评估")),
    )


def _notice() -> ReportKind:
    from ycdesk.reports import notice

    return ReportKind(
        "notice",
        _("整改通知书"),
        (Param("audit", _("考核记录 ID（见 ycdesk export audits 的 ID 列）"), required=True),),
        gather=lambda store, p: notice.gather(store, p["audit"]),
        build=lambda store, p, path, progress=None: notice.build(store, p["audit"], path, progress=progress),
        period=lambda p: "",
        scope=lambda p: "",
    )  # the register takes the enterprise from the data


_FACTORIES: dict[str, Callable[[], ReportKind]] = {}


def register(key: str, factory: Callable[[], ReportKind]) -> None:
    """Declare a report kind (built on first use). A second declaration is an error."""
    declare(_FACTORIES, key, factory, "report kind")


def unregister(key: str) -> None:
    """For tests that declare a throwaway kind."""
    _FACTORIES.pop(key, None)


for _key, _factory in (("quarterly", _quarterly), ("evaluation", _evaluation), ("notice", _notice)):
    register(_key, _factory)


def kinds() -> dict[str, ReportKind]:
    """Every report kind, by key (built on first use: reportlab loads only when asked)."""
    return {key: make() for key, make in _FACTORIES.items()}


def kind(key: str) -> ReportKind:
    if key not in _FACTORIES:
        raise UserError(_("没有名为“{0}”的报告，可选：{1}").format(key, "、".join(_FACTORIES)))
    return _FACTORIES[key]()


def build(store, key: str, params: dict, path: str | Path, progress=None) -> dict:
    return kind(key).build(store, params, path, progress)
