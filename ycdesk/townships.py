"""越城区's townships (镇街): the scope of observations, projects and enterprises."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _

DISTRICT = "全区"
CITY = "绍兴市"


class Townships:
    def __init__(self, store) -> None:
        self.store = store

    def list(self) -> list[dict]:
        return self.store.query("SELECT * FROM townships WHERE deleted_at IS NULL ORDER BY position")

    def names(self) -> list[str]:
        return [t["name"] for t in self.list()]

    def id_for(self, name: str) -> str:
        """The township called ``name``; accepts the name without 街道/镇 (``北海``)."""
        name = (name or "").strip()
        for t in self.list():
            if name in (t["name"], t["name"].removesuffix("街道").removesuffix("镇")):
                return t["id"]
        raise UserError(_("镇街“{0}”不在越城区镇街名单中").format(name))
