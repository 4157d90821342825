"""A request's login: the session cookie names the user, each request reads him afresh.

``web.auth`` writes the login into the (signed) session at login and clears the session at
logout; every other request turns it into an ``Actor`` here, with one query, so that a revoked
grant, a deactivated account or a logout elsewhere counts from the next request on.

One exception, for the sign-in scan (the hot path): a view guarded with ``hinted=True`` is
given the actor this process read last for the same login, marked ``is_hint``, without the
query. Its use case re-checks the login and the grant inside its own write statement
(``domain.signin.service``) or raises ``StaleActor``; the guard then reads the actor afresh
and runs the view again (``web.access``). So a hint decides nothing by itself.
"""

import dataclasses
import threading
import time
from collections import OrderedDict

from flask import current_app, session

from domain.access import Actor, load_session_login
from web.extensions import db

HINTS = 1024  # logins whose last actor this process keeps as a hint
_hints: OrderedDict[tuple[int, int], Actor] = OrderedDict()
_hints_lock = threading.Lock()  # gthread workers share one process

# The session's keys of a login (written by ``web.auth`` at login, cleared at logout).
SESSION_USER = "_user_id"


def session_actor(hint: bool = False) -> Actor | None:
    """The Actor of the session's login, read afresh with his grants in one query; None when
    there is no login, the user is unknown or deactivated, or the session is of an older
    version (logged out, a newer password) or older than ``ZHUXIN_SESSION_HOURS``. With
    ``hint``, the actor last read for this login in this process, if any (``Actor.is_hint``)."""
    try:
        user_id, version = int(session.get(SESSION_USER) or 0), int(session.get("sv", 0))
    except (TypeError, ValueError):
        return None
    hours = float(current_app.config.get("ZHUXIN_SESSION_HOURS", 12))
    if user_id <= 0 or time.time() - session.get("login_at", 0) >= hours * 3600:
        return None
    key = (user_id, version)
    cached = _hints.get(key) if hint else None
    if cached is not None:
        return cached
    login = load_session_login(db.session, user_id)
    current = login is not None and login.holds_for(version)
    with _hints_lock:
        if not current:
            _hints.pop(key, None)
            return None
        _hints[key] = dataclasses.replace(login.actor, is_hint=True)
        _hints.move_to_end(key)
        while len(_hints) > HINTS:
            _hints.popitem(last=False)
    return login.actor
