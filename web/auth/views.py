import time

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from domain import logins, roles
from domain.model import User
from services import accounts as account_services
from services import logins as login_services
from web.access import guard, public
from web.auth import bp
from web.extensions import db
from web.forms import site_path
from web.login_session import SESSION_USER
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
    done = login_services.log_in(uow(), account, request.form.get("password", ""),
                                 request.remote_addr or "")  # fmt: skip
    if done.refusal is not None:  # the attempt is counted (committed); now the refusal
        flash(done.refusal.message(g.lang), "error")
        return render_template("auth/login.html", account=account), done.refusal.status
    assert done.user is not None
    _log_in(done.user)
    return redirect(_safe_next(request.args.get("next")))


def _log_in(user: User) -> None:
    _fresh_session()  # no fixation
    session[SESSION_USER] = str(user.id)
    session["sv"] = user.session_version or 0  # checked on each request (web/__init__.py)
    session["login_at"] = int(time.time())
    session.permanent = True


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
    """退出: the session ends on the server too (a saved cookie no longer works)."""
    login_services.log_out(uow(), g.actor.user_id)
    _fresh_session()
    return redirect(url_for("auth.login"))


def _fresh_session() -> None:
    """An empty session but for the language (the browser's choice, not the login's)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/password", methods=["GET", "POST"])
@guard()
def change_password():
    """修改密码: every other session of the user ends; this one goes on."""
    if request.method == "POST":
        f = request.form
        session["sv"] = login_services.change_password(
            uow(), g.actor, f.get("current", ""), f.get("password", ""), f.get("password_again", "")
        )
        flash(_("密码已修改，其他设备上的登录已退出"), "success")
        return redirect(url_for(".change_password"))
    return render_template("auth/password.html")


@bp.route("/lockouts")
@guard(*roles.ACTIONS["lift_lockout"])
def lockouts():
    """登录锁定: the lockouts this user may lift."""
    return render_template("auth/lockouts.html",
                           rows=logins.active_lockouts(db.session, g.actor))  # fmt: skip


@bp.post("/lockouts/<int:lockout_id>/lift")
@guard(*roles.ACTIONS["lift_lockout"])
def lockout_lift(lockout_id: int):
    login_services.lift_lockout(uow(), g.actor, lockout_id)
    flash(_("已解除锁定"), "success")
    return redirect(url_for(".lockouts"))


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


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
