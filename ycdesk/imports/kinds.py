"""The import kinds, declared once (after Picard's option registry: a second declaration of
a key is an error). Each names its fields, the handler that applies its rows, and the
tables it writes, parents first. The CLI's ``import``/``template`` choices, the wizard's
kind list, the engine and the bulk writer's table order all read this registry, so a new
kind is its fields, its handler and one ``register`` call."""

from __future__ import annotations

from dataclasses import dataclass

from ycdesk.i18n import _
from ycdesk.registry import declare


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    fields: tuple
    handler: type
    tables: tuple[str, ...]  # what it writes, parents before children


IMPORT_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    return declare(IMPORT_KINDS, kind.key, kind, "import kind")


def kind_label(key: str) -> str:
    """ "findings" → "考核问题": how a kind is named to people (batch lists, CLI)."""
    found = IMPORT_KINDS.get(key)
    return found.label if found else key


def unregister(key: str) -> None:
    """For tests that declare a throwaway kind."""
    IMPORT_KINDS.pop(key, None)


def table_order() -> list[str]:
    """Every table any kind writes, parents first (the order bulk inserts are flushed in)."""
    order: list[str] = []
    for kind in IMPORT_KINDS.values():
        for table in kind.tables:
            if table not in order:
                order.append(table)
    return order


def _declare() -> None:
    from ycdesk.imports import handlers
    from ycdesk.imports.fields import FIELDS_BY_KIND

    for key, label, handler, tables in (
        ("findings", _("考核问题"), handlers.FindingRows, ("enterprises", "audits", "findings")),
        ("enterprises", _("企业"), handlers.EnterpriseRows, ("enterprises",)),
        ("observations", _("指标观测值"), handlers.ObservationRows, ("observations",)),
        ("investments", _("投资进展"), handlers.InvestmentRows, ("investments",)),
        ("projects", _("重大工程"), handlers.ProjectRows, ("projects", "project_units")),
    ):
        register(ImportKind(key, label, FIELDS_BY_KIND[key], handler, tables))


_declare()
