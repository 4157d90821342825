"""One place that turns domain errors into HTTP answers (JSON for the API, pages for HTML)."""

from flask import flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _

import engine
from domain.errors import DomainError, InvalidInput
from domain.i18n import Text
from web.access import refuse, wants_json
from web.extensions import db
from web.forms import back_url


def lang() -> str:
    return g.get("lang", "zh")


ENGINE_MESSAGES = {
    engine.TaskNotAllowed: (403, Text("您无权办理该任务", "You may not act on this task")),
    engine.TaskNotOpen: (
        409,
        Text("该任务已办理或已不可办理", "This task is already done or closed"),
    ),
    engine.NotFound: (404, Text("找不到该任务或流程", "No such task or process")),
    engine.ConcurrentUpdate: (
        409,
        Text(
            "其他人正在处理该流程，请稍后重试", "Someone else is updating this process; try again"
        ),
    ),
}
DEPLOY_REFUSED = Text("流程图未通过检查：{problems}", "The diagram was refused: {problems}")


def engine_error_as_domain(err: engine.EngineError) -> DomainError:
    if isinstance(err, engine.DeployRefused):
        problems = "; ".join(f"{el or '-'}: {reason}" for el, reason in err.problems)
        return InvalidInput(DEPLOY_REFUSED, field="xml", problems=problems)
    for cls, (status, text) in ENGINE_MESSAGES.items():
        if isinstance(err, cls):
            mapped = DomainError(text)
            mapped.status = status
            return mapped
    raise err


def register_error_handlers(app):
    @app.errorhandler(engine.EngineError)
    def engine_error(err: engine.EngineError):
        return domain_error(engine_error_as_domain(err))

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        db.session.rollback()  # nothing half-written
        message = err.message(lang())
        if err.status == 403:
            return refuse(403, message)
        if wants_json() or request.headers.get("HX-Request"):
            if request.headers.get("HX-Request") and not wants_json():
                return render_template("errors/flash.html", message=message), err.status
            return jsonify(error=type(err).__name__, message=message, field=err.field), err.status
        back = back_url(None) if request.method == "POST" else None
        if back:
            flash(message, "error")
            return redirect(back)
        return render_template("errors/error.html", status=err.status, message=message), err.status

    @app.errorhandler(404)
    def not_found(_err):
        if wants_json():
            return jsonify(error="not_found", message=_("页面不存在")), 404
        return render_template("errors/error.html", status=404, message=_("页面不存在")), 404

    @app.errorhandler(400)
    def bad_request(err):
        message = getattr(err, "description", None) or _("请求不正确")
        if wants_json():
            return jsonify(error="bad_request", message=message), 400
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(500)
    def server_error(_err):
        db.session.rollback()
        if wants_json():
            return jsonify(error="server_error", message=_("系统繁忙，请稍后再试")), 500
        return render_template(
            "errors/error.html", status=500, message=_("系统繁忙，请稍后再试")
        ), 500
