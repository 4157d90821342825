"""A request's login: the session cookie names the user, each request reads him afresh.

``web.auth`` writes the login into the (signed) session at login and clears the session at
logout; every other request turns it into an ``Actor`` here, with one query, so that a revoked
grant, a deactivated account or a logout elsewhere counts from the next request on.
"""

import time

from flask import current_app, session

from domain.access import Actor, load_session_login
from web.extensions import db

# The session's keys of a login (written by ``web.auth`` at login, cleared at logout).
SESSION_USER = "_user_id"


def session_actor() -> Actor | None:
    """The Actor of the session's login, read afresh with his grants in one query; None when
    there is no login, the user is unknown or deactivated, or the session is of an older
    version (logged out, a newer password) or older than ``ZHUXIN_SESSION_HOURS``."""
    try:
        user_id = int(session.get(SESSION_USER) or 0)
    except (TypeError, ValueError):
        return None
    if user_id <= 0:
        return None
    login = load_session_login(db.session, user_id)
    if login is None or not login.is_active or session.get("sv", 0) != login.session_version:
        return None
    hours = float(current_app.config.get("ZHUXIN_SESSION_HOURS", 12))
    if time.time() - session.get("login_at", 0) >= hours * 3600:
        return None
    return login.actor
