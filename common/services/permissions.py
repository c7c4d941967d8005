"""Who is acting, and what they may do. Services check permissions themselves, not only the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.domain import Role
from common.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """A signed-in staff member (or the system itself, for kiosks and scheduled jobs)."""

    staff_id: int | None
    staff_no: str
    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    site_id: int | None = None
    department_id: int | None = None

    def has(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)


# The kiosk, display and scheduled jobs act as the system: they may issue tickets and read, nothing else.
SYSTEM = Actor(staff_id=None, staff_no="system", name="系统")


def require(actor: Actor, *roles: Role, action: str = "此操作") -> None:
    """Raise PermissionDenied unless the actor holds one of the roles (admin holds all)."""
    if not actor.has(*roles):
        needed = "、".join(r.label for r in roles)
        raise PermissionDenied(f"{actor.name}（{actor.staff_no}）无权执行{action}，需要以下角色之一：{needed}。")
