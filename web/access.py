"""One access guard per view: the role is checked in the scope of the object in the URL.

``@guard(roles...)`` refuses anonymous users (HTML: redirect to login; JSON: 401) and users who
hold none of the roles on the project (and unit) named by the URL's ``project_id``/``unit_id``
(403). Object ids deeper in the URL are checked again by the domain service that loads them.
``@public`` marks the few views open to everyone. The route × role test reads both marks.
``@guard(..., hinted=True)`` (the sign-in scan only) takes a cached actor (``web.login_session``)
and reads it afresh when the hint refuses or the use case raises ``StaleActor``.
"""

from dataclasses import dataclass
from functools import wraps

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain.access import StaleActor
from web.login_session import session_actor


@dataclass(frozen=True)
class Policy:
    roles: tuple[str, ...]  # empty tuple = any logged-in user
    public: bool = False
    hinted: bool = False  # the view may be given a cached actor (see the module's docstring)


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def refuse(status: int, message: str | None = None):
    message = message or _("您无权访问该页面")
    if wants_json():
        return jsonify(
            error="forbidden" if status == 403 else "login_required", message=message
        ), status
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path))
    return render_template("errors/error.html", status=status, message=message), status


def guard(*roles: str, hinted: bool = False):
    """Allow logged-in users holding one of ``roles`` in the URL's project/unit scope."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            status = _refusal(roles, kwargs)
            if status is not None and g.get("actor") is not None and g.actor.is_hint:
                g.actor = session_actor()  # the hint refuses: ask afresh before refusing
                status = _refusal(roles, kwargs)
            if status is not None:
                return refuse(status)
            try:
                return view(*args, **kwargs)
            except StaleActor:
                g.actor = session_actor()
                status = _refusal(roles, kwargs)
                return refuse(status) if status is not None else view(*args, **kwargs)

        wrapper.access_policy = Policy(tuple(roles), hinted=hinted)
        return wrapper

    return decorate


def _refusal(roles: tuple[str, ...], kwargs: dict) -> int | None:
    """401 without a login, 403 without one of ``roles`` in the URL's scope, else None."""
    actor = g.get("actor")
    if actor is None:
        return 401
    if roles and not actor.can(roles, kwargs.get("project_id"), kwargs.get("unit_id")):
        return 403
    return None


def public(view):
    view.access_policy = Policy((), public=True)
    return view
