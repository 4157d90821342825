from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import or_, select

from domain.model import User
from domain.passwords import verify_password
from web.access import guard, public
from web.auth import bp
from web.extensions import db


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("project.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        return render_template("auth/login.html")
    account = request.form.get("account", "").strip()
    user = (
        db.session.scalar(select(User).where(or_(User.username == account, User.phone == account)))
        if account
        else None
    )
    if (
        user is None
        or not user.is_active
        or not verify_password(user.password_hash, request.form.get("password", ""))
    ):
        flash(_("账号或密码不正确"), "error")
        return render_template("auth/login.html", account=account), 401
    lang = session.get("lang")
    session.clear()  # a fresh session on login (no fixation)
    if lang:
        session["lang"] = lang
    login_user(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@guard()
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next") or request.referrer and None))


@bp.route("/me")
@guard()
def me():
    return {"user": g.actor.name, "roles": sorted(g.actor.roles())}
