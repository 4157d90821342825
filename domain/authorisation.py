"""项目角色授权管理: the GC manager authorises accepted workers as 班前签到员 on a project."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import roles
from domain.access import Actor
from domain.audit import record, snapshot
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Authorisation, Person
from domain.realname import accepted_on, get_project

UNKNOWN_POST = Text("没有这个授权职务", "Unknown post")
NOT_ACCEPTED = Text(
    "{name} 不是本项目已接收的建筑工人，请先在【项目人员接收】中接收",
    "{name} is not an accepted worker of this project; accept him in Personnel acceptance first",
)
ALREADY_AUTHORISED = Text("{name} 已是本项目的{post}", "{name} already holds {post} here")
UNKNOWN_AUTHORISATION = Text("找不到该授权记录", "Unknown authorisation")
ALREADY_REVOKED = Text("该授权已撤销", "This authorisation was already revoked")
NAME_REQUIRED = Text("请输入被授权人姓名", "Please enter the name of the person to authorise")


def search_candidates(session: Session, actor: Actor, project_id: int, name: str):
    """Accepted workers of the project with this name (namesakes told apart by masked ID)."""
    get_project(session, project_id)
    actor.must("authorise_officers", project_id)
    if not (name or "").strip():
        raise InvalidInput("name_required", NAME_REQUIRED, field="name")
    return accepted_on(session, project_id, name)


def authorise(
    session: Session,
    actor: Actor,
    project_id: int,
    person_id: int,
    post: str = roles.SIGNIN_OFFICER,
) -> Authorisation:
    """添加授权: give ``post`` to an accepted worker of the project."""
    get_project(session, project_id)
    actor.must("authorise_officers", project_id)
    if post not in roles.POSTS:
        raise InvalidInput("unknown_post", UNKNOWN_POST, field="post")
    person = session.get(Person, person_id)
    accepted = person is not None and session.scalar(
        select(Assignment.id).where(
            Assignment.person_id == person_id,
            Assignment.project_id == project_id,
            Assignment.state == "accepted",
        )
    )
    if person is None or not accepted:
        raise InvalidInput(
            "not_accepted", NOT_ACCEPTED, field="person_id", name=person.name if person else ""
        )
    if _active(session, project_id, person_id, post):
        raise Conflict(
            "already_authorised", ALREADY_AUTHORISED, name=person.name, post=roles.LABELS[post]
        )
    auth = Authorisation(
        project_id=project_id, person_id=person_id, post=post, granted_by=actor.user_id
    )
    session.add(auth)
    record(session, actor.user_id, "authorisation.grant", auth)
    session.flush()
    return auth


def _active(session, project_id, person_id, post):
    return session.scalar(
        select(Authorisation).where(
            Authorisation.project_id == project_id,
            Authorisation.person_id == person_id,
            Authorisation.post == post,
            Authorisation.revoked_at.is_(None),
        )
    )


def revoke(session: Session, actor: Actor, project_id: int, authorisation_id: int):
    auth = session.get(Authorisation, authorisation_id)
    if auth is None or auth.project_id != project_id:
        raise NotFound("unknown_authorisation", UNKNOWN_AUTHORISATION, field="authorisation_id")
    actor.must("authorise_officers", project_id)
    if auth.revoked_at is not None:
        raise Conflict("already_revoked", ALREADY_REVOKED)
    before = snapshot(auth)
    auth.revoked_at, auth.revoked_by = utcnow(), actor.user_id
    record(session, actor.user_id, "authorisation.revoke", auth, before)
    session.flush()
    return auth


def list_authorisations(session: Session, actor: Actor, project_id: int, include_revoked=False):
    get_project(session, project_id)
    actor.must("authorise_officers", project_id)
    stmt = select(Authorisation).where(Authorisation.project_id == project_id)
    if not include_revoked:
        stmt = stmt.where(Authorisation.revoked_at.is_(None))
    return list(session.scalars(stmt.order_by(Authorisation.granted_at.desc())))
