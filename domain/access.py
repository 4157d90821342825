"""Who may do what where: an ``Actor`` is a user with every role grant resolved to its scope."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import roles
from domain.errors import NO_ACCESS, AccessDenied
from domain.model import Assignment, Authorisation, Project, RoleGrant, User


@dataclass(frozen=True)
class Grant:
    """A role on a project (and one unit), or everywhere when ``project_id`` is None."""

    role: str
    project_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    person_id: int | None = None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def can(self, allowed: tuple[str, ...] | set[str], project_id=None, unit_id=None) -> bool:
        """True when a grant of an allowed role covers the project and, if given, the unit."""
        return any(_covers(g, allowed, project_id, unit_id) for g in self.grants)

    def require(self, allowed, project_id=None, unit_id=None) -> None:
        if not self.can(allowed, project_id, unit_id):
            raise AccessDenied(NO_ACCESS)

    def unit_limits(self, allowed, project_id: int) -> set[int] | None:
        """Units this actor may see on a project through ``allowed``; None means all units."""
        units = set()
        for g in self.grants:
            if g.role in allowed and g.project_id in (project_id, None):
                if g.unit_id is None:
                    return None
                units.add(g.unit_id)
        return units

    def project_ids(self) -> set[int]:
        return {g.project_id for g in self.grants if g.project_id is not None}


def _covers(g: Grant, allowed, project_id, unit_id) -> bool:
    if g.role not in allowed:
        return False
    if g.project_id is None:
        return True
    if project_id is not None and g.project_id != project_id:
        return False
    return g.unit_id is None or unit_id is None or g.unit_id == unit_id


def load_actor(session: Session, user: User) -> Actor:
    """Resolve a user's grants: staff grants, enterprise projects, the worker's own projects."""
    grants: list[Grant] = []
    for g in session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)):
        if g.role == roles.GC_ENTERPRISE:
            ids = session.scalars(
                select(Project.id).where(Project.gc_enterprise_id == g.enterprise_id)
            )
            grants += [Grant(g.role, pid) for pid in ids]
        elif g.project_id is None and g.role != roles.PROCESS_ADMIN:
            continue  # a project role without a project grants nothing
        else:
            grants.append(Grant(g.role, g.project_id, g.unit_id))
    if user.person_id:
        grants += _worker_grants(session, user.person_id)
    return Actor(user.id, user.display_name, user.person_id, tuple(grants))


def _worker_grants(session: Session, person_id: int) -> list[Grant]:
    accepted = session.execute(
        select(Assignment.project_id, Assignment.unit_id).where(
            Assignment.person_id == person_id, Assignment.state == "accepted"
        )
    )
    grants = [Grant(roles.WORKER, pid, uid) for pid, uid in accepted]
    officer = session.scalars(
        select(Authorisation.project_id).where(
            Authorisation.person_id == person_id,
            Authorisation.post == roles.SIGNIN_OFFICER,
            Authorisation.revoked_at.is_(None),
        )
    )
    return grants + [Grant(roles.SIGNIN_OFFICER, pid) for pid in officer]
