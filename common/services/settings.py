"""Hall settings stored in the database (hall name, ticket footer, warning days…), per site or global."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db.models import Setting

DEFAULTS: dict[str, Any] = {
    "hall_name": "政务服务中心",
    "timezone": "Asia/Shanghai",
    "ticket_footer": "请留意叫号屏及语音提示",
    "hotline": "12345",
    "yellow_warning_days": 2,  # 电子监察: yellow light this many working days before a deadline
    "display_notice": "欢迎来到政务服务中心，请按号就座，听从叫号。",
}


def get_setting(session: Session, key: str, site_id: int | None = None) -> Any:
    """A site's own value, else the global one, else the built-in default."""
    rows = session.execute(
        select(Setting.site_id, Setting.value).where(Setting.key == key, (Setting.site_id == site_id) | (Setting.site_id.is_(None)))
    ).all()
    by_site = {sid: value for sid, value in rows}
    if site_id in by_site:
        return by_site[site_id]
    if None in by_site:
        return by_site[None]
    return DEFAULTS.get(key)


def set_setting(session: Session, key: str, value: Any, site_id: int | None = None) -> None:
    row = session.scalar(select(Setting).where(Setting.key == key, Setting.site_id.is_(site_id) if site_id is None else Setting.site_id == site_id))
    if row is None:
        session.add(Setting(key=key, value=value, site_id=site_id))
    else:
        row.value = value
