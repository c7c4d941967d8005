"""The demo hall loader and `init_hall`, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from common.db.models import Queue, ServiceItem, Site, Staff, Window, WindowQueue
from common.errors import Conflict, InvalidInput
from common.services import catalog as cat
from common.services.demo import DEMO_PASSWORD, init_hall, load_demo_hall
from common.services.passwords import verify_password
from common.services.search import SearchIndex
from common.services.settings import get_setting
from common.services.sites import resolve_site


def test_demo_hall_loads_once(db):
    s = load_demo_hall(db)
    assert s.departments >= 15 and s.items >= 120 and s.queues >= 6 and s.windows >= 16 and s.staff >= 25
    assert s.items_in_force < s.items  # the demo keeps some cancelled items for history
    assert s.password == DEMO_PASSWORD == "demo1234"
    bundles = {b.name for b in cat.list_bundles(db)}
    assert "出生一件事" in bundles
    assert any("企业开办" in name for name in bundles)
    assert any("不动产" in name or "二手房" in name for name in bundles)
    house = next(b for b in cat.list_bundles(db) if "二手房" in b.name or "不动产" in b.name)
    guide = cat.get_bundle_guide(db, house.code)
    assert len({x.department for x in guide.items}) >= 2  # 不动产登记 + 税务
    names = [m.name for m in guide.materials]
    assert len(names) == len({cat.material_key(n) for n in names})  # merged: each document once

    site = resolve_site(db)
    assert site.code == s.hall_site and site.hall_name == s.hall_name
    with db.read() as session:
        assert get_setting(session, "hall_site") == s.hall_site
        assert session.scalar(select(func.count(Site.id))) == s.sites
        # every in-force item has a queue, every queue is served by a window
        assert session.scalar(select(func.count(ServiceItem.id)).where(ServiceItem.queue_id.is_(None))) == 0
        served = set(session.scalars(select(WindowQueue.queue_id)).all())
        assert set(session.scalars(select(Queue.id)).all()) <= served
        hashes = set(session.scalars(select(Staff.password_hash)).all())
        assert len(hashes) == 1  # hashed once for all demo staff
        assert verify_password(hashes.pop(), DEMO_PASSWORD)
        admin = session.scalar(select(Staff).where(Staff.staff_no == s.admin_staff_no))
        assert "admin" in {r.role.value for r in admin.roles}

    guide = cat.get_item_guide(db, cat.list_items(db)[0].code)
    assert guide.queue and guide.windows

    hits = SearchIndex.load(db).search("yyzz")
    assert hits and all("营业执照" in h.name for h in hits[:2])

    with pytest.raises(Conflict, match="--reset"):
        load_demo_hall(db)
    with db.read() as session:
        assert session.scalar(select(func.count(Window.id))) == s.windows


def test_demo_reset_reloads(db):
    first = load_demo_hall(db)
    cat.cancel_item(db, _admin(), cat.list_items(db)[0].code)
    again = load_demo_hall(db, reset=True)
    assert (again.items, again.items_in_force, again.staff, again.windows) == (
        first.items, first.items_in_force, first.staff, first.windows)


def _admin():
    from common.domain import Role
    from common.services.permissions import Actor

    return Actor(staff_id=None, staff_no="cli", name="命令行管理员", roles=frozenset({Role.ADMIN}))


def test_init_hall(db):
    with pytest.raises(InvalidInput, match="密码"):
        init_hall(db, "某县政务服务中心", "340100", "short")
    with pytest.raises(InvalidInput, match="站点编码"):
        init_hall(db, "某县政务服务中心", "bad code!", "Secret123")
    info = init_hall(db, "某县政务服务中心", "340100", "Secret123")
    assert (info.hall_name, info.site_code, info.admin_staff_no) == ("某县政务服务中心", "340100", "ADMIN")
    site = resolve_site(db)
    assert (site.code, site.hall_name, site.level) == ("340100", "某县政务服务中心", "county")
    with db.read() as session:
        admin = session.scalar(select(Staff).where(Staff.staff_no == "ADMIN"))
        assert verify_password(admin.password_hash, "Secret123")
        assert [r.role.value for r in admin.roles] == ["admin"]
    with pytest.raises(Conflict, match="已经初始化"):
        init_hall(db, "另一个中心", "X", "Secret123")
    with pytest.raises(Conflict, match="已有数据"):
        load_demo_hall(db)
