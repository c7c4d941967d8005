"""Sites (市/县/乡镇/村) and the hall a machine belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from common.db.engine import Database
from common.db.models import Site
from common.errors import NotFound
from common.services.settings import get_setting


@dataclass(frozen=True)
class SiteInfo:
    id: int
    code: str
    name: str
    level: str
    timezone: str
    hall_name: str  # the name printed on tickets and shown on screens


def resolve_site(db: Database, code: str | None = None) -> SiteInfo:
    """The site with this code; with no code, the only site (or the first county/city hall) in the database."""
    with db.read() as s:
        if code:
            site = s.scalar(select(Site).where(Site.code == code))
            if site is None:
                raise NotFound(f"找不到站点“{code}”。请检查本机配置 [machine] site，或用 hall init 初始化。")
        else:
            sites = s.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.id)).all()
            if not sites:
                raise NotFound("数据库中还没有任何站点。请先运行 hall init 或 hall demo-data。")
            halls = [x for x in sites if x.level.value in ("county", "city")]
            site = (halls or sites)[0] if len(sites) > 1 else sites[0]
            # prefer the configured hall site when the demo/setup recorded one
            hall_code = get_setting(s, "hall_site")
            if hall_code:
                site = next((x for x in sites if x.code == hall_code), site)
        hall_name = get_setting(s, "hall_name", site.id) or site.name
        return SiteInfo(site.id, site.code, site.name, site.level.value, site.timezone, hall_name)
