"""Who may do what where: an ``Actor`` is a user with every role grant resolved to its scope."""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import (
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

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
    username: str = ""  # the login name, recorded as who completed a process task
    # The session version of the login this actor was read for (None: not a web login).
    session_version: int | None = None
    # True for an actor served from the per-process cache of logins (``web.login_session``)
    # instead of read afresh: a hint. A use case that acts on a hint re-checks the login and
    # the grant it relies on inside its own write, or raises ``StaleActor`` for a fresh read.
    is_hint: bool = False

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def can(self, allowed: tuple[str, ...] | set[str], project_id=None, unit_id=None) -> bool:
        """True when a grant of an allowed role covers the project and, if given, the unit."""
        return any(_covers(g, allowed, project_id, unit_id) for g in self.grants)

    def unit_limits(self, action: str, project_id: int) -> set[int] | None:
        """Units of the project where this actor may do ``action``; None means all units."""
        allowed = roles.allowed(action)
        units = set()
        for g in self.grants:
            if g.role in allowed and g.project_id in (project_id, None):
                if g.unit_id is None:
                    return None
                units.add(g.unit_id)
        return units

    def may(self, action: str, project_id=None, unit=None) -> bool:
        """True when the actor may do ``action`` (a name in ``roles.ACTIONS``) on the project
        and, if given, the unit: a unit id, or the Unit for an action that depends on its side.
        Without a project, any project counts (for the menus)."""
        allowed = roles.allowed(action, unit)
        return self.can(allowed, project_id, getattr(unit, "id", unit))

    def must(self, action: str, project_id=None, unit=None) -> None:
        """``may``, or ``AccessDenied``."""
        if not self.may(action, project_id, unit):
            raise AccessDenied(NO_ACCESS)

    def actions(self, project_id=None, unit=None) -> frozenset[str]:
        """Every action this actor may do on the project and, if given, the unit (a Unit)."""
        return frozenset(a for a in roles.ACTIONS if self.may(a, project_id, unit))

    def project_ids(self, action: str | None = None) -> set[int]:
        """Projects of the actor's grants, or only those where he may do ``action``."""
        allowed = roles.allowed(action) if action else None
        return {
            g.project_id
            for g in self.grants
            if g.project_id is not None and (allowed is None or g.role in allowed)
        }


def _covers(g: Grant, allowed, project_id, unit_id) -> bool:
    if g.role not in allowed:
        return False
    if g.project_id is None:
        return True
    if project_id is not None and g.project_id != project_id:
        return False
    return g.unit_id is None or unit_id is None or g.unit_id == unit_id


def load_actor(session: Session, user: User) -> Actor:
    """Resolve a user's grants: staff grants, enterprise projects, the worker's own projects.

    One round trip (``UNION ALL`` of the three sources), read afresh on every call: a revoked
    grant, authorisation or assignment counts from the next request on, with no cache to expire.
    """
    rows = session.execute(_statements()[0], {"user_id": user.id})
    return _actor(user, rows)


@dataclass(frozen=True)
class SessionLogin:
    """What a request's session cookie is checked against: the user's resolved grants and the
    two fields that end a session (a deactivated account, a newer session version)."""

    actor: Actor
    is_active: bool
    session_version: int

    def holds_for(self, session_version: int | None) -> bool:
        """The account is active and the session's version is the user's current one."""
        return self.is_active and session_version == self.session_version


def load_session_login(session: Session, user_id: int) -> SessionLogin | None:
    """The user and his resolved grants in one round trip, as plain columns (no ORM entity,
    identity map or relationship loading: this runs on every request)."""
    rows = session.execute(_statements()[1], {"user_id": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    version = first.session_version or 0
    actor = _actor(first, (row[_USER_COLUMNS:] for row in rows if row.role is not None), version)
    return SessionLogin(actor, bool(first.is_active), version)


def _actor(user, rows, session_version: int | None = None) -> Actor:
    """The Actor of ``user`` (a User or a row of its columns) from his grant rows."""
    grants: list[Grant] = []
    for role, project_id, unit_id in rows:
        if role == roles.GC_ENTERPRISE:
            if project_id is not None:  # one grant per project of the enterprise
                grants.append(Grant(role, project_id))
        elif project_id is None and role != roles.PROCESS_ADMIN:
            continue  # a project role without a project grants nothing
        else:
            grants.append(Grant(role, project_id, unit_id))
    return Actor(user.id, user.display_name, user.person_id, tuple(grants), user.username,
                 session_version)  # fmt: skip


@cache
def _statements():
    """(grants of a user, the user with his grants), built once: building these SQLAlchemy
    constructs costs more than running them (2–3 ms per request, measured in bench/signin)."""
    grants = _grants_query(bindparam("user_id")).subquery()
    columns = (grants.c.role, grants.c.project_id, grants.c.unit_id)
    only_grants = select(*columns).order_by(*_order(grants))
    user_and_grants = (
        select(User.id, User.display_name, User.person_id, User.username, User.is_active,
               User.session_version, *columns)
        .outerjoin(grants, true())
        .where(User.id == bindparam("user_id"))
        .order_by(*_order(grants))
    )
    return only_grants, user_and_grants


_USER_COLUMNS = 6  # the user's columns ahead of the grant's in ``_statements()[1]``


class StaleActor(Exception):
    """Raised by a use case given a hinted ``Actor`` (``Actor.is_hint``) when it cannot check
    the login in its own statement: the caller reads the actor afresh and runs it again."""


def _order(grants):
    return grants.c.source, grants.c.row_id, grants.c.sub_id


def _grants_query(user_id):
    """(role, project_id, unit_id, ordering…) rows of ``user_id``: role grants (enterprise grants
    expanded to the enterprise's projects), his person's accepted assignments and active posts."""
    is_enterprise = RoleGrant.role == roles.GC_ENTERPRISE
    staff = (
        select(
            RoleGrant.role.label("role"),
            case((is_enterprise, Project.id), else_=RoleGrant.project_id).label("project_id"),
            case((is_enterprise, null()), else_=RoleGrant.unit_id).label("unit_id"),
            literal_column("0").label("source"),
            RoleGrant.id.label("row_id"),
            func.coalesce(Project.id, literal_column("0")).label("sub_id"),
        )
        .outerjoin(
            Project, and_(is_enterprise, Project.gc_enterprise_id == RoleGrant.enterprise_id)
        )
        .where(RoleGrant.user_id == user_id)
    )
    person = aliased(User)
    accepted = (
        select(
            _constant(roles.WORKER),
            Assignment.project_id,
            Assignment.unit_id,
            literal_column("1"),
            Assignment.id,
            literal_column("0"),
        )
        .join(person, person.person_id == Assignment.person_id)
        .where(person.id == user_id, Assignment.state == "accepted")
    )
    officer = (
        select(
            _constant(roles.SIGNIN_OFFICER),
            Authorisation.project_id,
            null(),
            literal_column("2"),
            Authorisation.id,
            literal_column("0"),
        )
        .join(person, person.person_id == Authorisation.person_id)
        .where(
            person.id == user_id,
            Authorisation.post == roles.SIGNIN_OFFICER,
            Authorisation.revoked_at.is_(None),
        )
    )
    return union_all(staff, accepted, officer)


def _constant(role: str):
    """A role code written into the SQL text (a known constant, so the statement caches)."""
    assert role.isidentifier()
    return literal_column(f"'{role}'", String)
