from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import or_, select

from domain.model import User
from domain.passwords import verify_password
from services import accounts as account_services
from web.access import guard, public
from web.auth import bp
from web.extensions import db
from web.forms import site_path
from web.runtime import uow


def _safe_next(target: str | None) -> str:
    """A path of this site (``web.forms.site_path``), else the home page."""
    return site_path(target) or url_for("project.index")


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
    _log_in(user)
    return redirect(_safe_next(request.args.get("next")))


def _log_in(user: User) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session on login (no fixation)
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/activate", methods=["GET", "POST"])
@public
def activate():
    """首次登录/激活: phone + activation code + new password (twice) → logged in."""
    if request.method == "GET":
        return render_template("auth/activate.html")
    f = request.form
    done = account_services.activate(uow(), f.get("phone", ""), f.get("code", ""),
                                     f.get("password", ""), f.get("password_again", ""))  # fmt: skip
    if done.refusal is not None:  # the wrong try is counted (committed); now the refusal
        raise done.refusal
    assert done.user is not None
    _log_in(done.user)
    flash(_("账号已激活，欢迎使用筑薪"), "success")
    return redirect(url_for("project.index"))


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
