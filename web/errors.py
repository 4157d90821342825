"""One place that turns domain errors into HTTP answers (JSON for the API, pages for HTML)."""

from flask import flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from domain.errors import DomainError
from web.access import refuse, wants_json
from web.extensions import db


def lang() -> str:
    return g.get("lang", "zh")


def register_error_handlers(app):
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
        if request.method == "POST":
            flash(message, "error")
            return redirect(request.referrer or request.path)
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
