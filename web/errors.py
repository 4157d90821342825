"""One place that turns domain errors into HTTP answers.

Every refusal is a ``DomainError`` (domain/errors.py); engine errors are mapped to one. It is
answered, after the database session is rolled back (nothing of a refused request is written):

* as JSON for the API and for requests that ask for JSON:
  ``{"ok": false, "error": kind, "reason": code, "message": text, "field": name, ...}``;
* for htmx, with the message fragment;
* for a refused POST of a form, with the page the form was posted from: its same-site
  referrer (without one: the posted URL when it answers GET too, or the page above it) is
  rendered again in this request, as a GET of that page (request hooks, then its view, with
  its access check), with the message shown, every posted value kept and the fields at fault
  marked; the address bar is set back to that page (base.html). Templates read the values with ``kept(name, default)`` and mark the
  inputs with ``invalid(name)``; the values live in ``g`` for this one answer, never in the
  cookie session (the wage table posts hundreds of inputs);
* otherwise with the error page.

A request whose input holds control characters (NUL, ...) is refused before any view runs:
no text column can store them (PostgreSQL refuses NUL; the bank's XML refuses them all). An id
in the URL beyond what an INTEGER column holds matches no route (``web.forms.IdConverter``): 404.
"""

import io
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, make_response, render_template, request, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

import engine
from domain.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound
from domain.i18n import Text
from services.tasks import NeedsOwnPage
from web.access import refuse, wants_json
from web.extensions import db
from web.forms import back_url
from web.labels import deploy_problem


def lang() -> str:
    return g.get("lang", "zh")


ENGINE_ERRORS = {
    engine.InstanceNotRunning: (  # before TaskNotOpen, its base
        Conflict, "instance_not_running",
        Text("该流程已暂停或已终止，现在不能办理", "This process is suspended or terminated"),
    ),
    engine.TaskNotAllowed: (
        AccessDenied, "task_not_allowed", Text("您无权办理该任务", "You may not act on this task"),
    ),
    engine.TaskNotOpen: (
        Conflict, "task_not_open",
        Text("该任务已办理或已不可办理", "This task is already done or closed"),
    ),
    engine.NotFound: (
        NotFound, "task_not_found", Text("找不到该任务或流程", "No such task or process"),
    ),
    engine.ConcurrentUpdate: (
        Conflict, "concurrent_update",
        Text("其他人正在处理该流程，请稍后重试", "Someone else is updating this process; try again"),
    ),
}  # fmt: skip
PROCESS_FAILED = Text(
    "流程在「{element}」处出错，本次操作未保存：{detail}（已记录，流程管理员可在故障页查看）",
    "The process failed at \"{element}\"; nothing was saved: {detail} (recorded for the "
    "process administrator)",
)
DEPLOY_REFUSED = Text("流程图未通过检查：{problems}", "The diagram was refused: {problems}")
CONTROL_CHARACTERS = Text(
    "输入内容含有不能保存的控制字符（如 NUL），请删除后重试",
    "The input contains control characters (such as NUL) that cannot be stored",
)
_CONTROL = {c for c in range(32) if chr(c) not in "\t\n\r"} | {0x7F}
_CONTROL_TABLE = dict.fromkeys(_CONTROL, None)


def engine_error_as_domain(err: engine.EngineError) -> DomainError:
    if isinstance(err, engine.DeployRefused):
        problems = "; ".join(f"{el or '-'}: {deploy_problem(reason, lang())}"
                             for el, reason in err.problems)  # fmt: skip
        refused = InvalidInput("diagram_refused", DEPLOY_REFUSED, field="xml", problems=problems)
        # Each problem with its element id: the editor marks the element on the diagram.
        refused.extra["problems"] = [{"element": el, "message": deploy_problem(reason, lang())}
                                     for el, reason in err.problems]  # fmt: skip
        return refused
    if isinstance(err, engine.ProcessError):
        return Conflict("process_failed", PROCESS_FAILED, element=err.element_id or "-",
                        detail=err.detail)  # fmt: skip
    for cls, (kind, reason, text) in ENGINE_ERRORS.items():
        if isinstance(err, cls):
            return kind(reason, text)
    raise err


def error_json(err: DomainError) -> dict:
    """The JSON answer of a refusal (the sign-in API adds who was scanned, in ``extra``)."""
    return {
        "ok": False,
        "error": err.kind,
        "reason": err.reason,
        "message": err.message(lang()),
        "field": err.field,
        "fields": list(err.fields),
        "params": {k: _plain(v) for k, v in err.shown_params(lang()).items()},
        **err.extra,
        **_own_page(err),
    }


def _own_page(err: DomainError) -> dict:
    """A task done only on its own page: the URL of that page, for the client to go to."""
    if isinstance(err, NeedsOwnPage) and err.page:
        return {"page": url_for(err.page, human_task_id=err.human_task_id)}
    return {}


def _plain(value):
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


# -- kept input -------------------------------------------------------------------------------


def kept(name: str, default="", **where) -> str:
    """In a form template: the value posted for ``name`` when the page is shown again after a
    refusal, else ``default`` (the stored value). ``where`` limits it to the form that was
    posted, on pages with one form per row: ``kept('reason', '', assignment_id=a.id)`` matches
    a posted field or URL argument ``assignment_id``."""
    form = g.get("kept_form")
    if form is None or name not in form or not _posted_here(where):
        return default
    return form.get(name).translate(_CONTROL_TABLE)  # what can be shown of it


def kept_list(name: str, default=(), **where) -> list[str]:
    """Every value posted for ``name`` (checkboxes of a list) after a refusal, else ``default``."""
    form = g.get("kept_form")
    if form is None or not _posted_here(where):
        return list(default)
    return form.getlist(name)


def kept_checked(name: str, default: bool = False, **where) -> bool:
    """A checkbox after a refusal: checked when it was posted; else ``default``."""
    form = g.get("kept_form")
    if form is None or not _posted_here(where):
        return default
    return name in form


def invalid(name: str, **where) -> Markup:
    """The marks of an input at fault after a refusal (``aria-invalid`` and a CSS class)."""
    if name in g.get("error_fields", ()) and _posted_here(where):
        return Markup(' aria-invalid="true" class="field-error"')
    return Markup("")


def _posted_here(where: dict) -> bool:
    posted = {**g.get("kept_args", {}), **g.get("kept_form", {})}
    return all(str(posted.get(k, "")) == str(v) for k, v in where.items())


def _rerender(err: DomainError, message: str):
    """The page the form was posted from, rendered again with the input kept; None when the
    form came from nowhere this app can show again."""
    app = current_app._get_current_object()
    pending = session.pop("_flashes", [])  # shown on the page rendered here, not later
    kept_form, kept_args = request.form.copy(), dict(request.view_args or {})
    adapter = app.url_map.bind(request.host, script_name=request.script_root or "/",
                               url_scheme=request.scheme)  # fmt: skip
    for path, query in _pages():
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except HTTPException:  # not a page, POST only, or a redirect
            continue
        if endpoint == "static":
            continue
        environ = {**request.environ, "REQUEST_METHOD": "GET", "PATH_INFO": path,
                   "QUERY_STRING": query, "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO()}  # fmt: skip
        environ.pop("CONTENT_TYPE", None)
        with app.request_context(environ) as ctx:  # shares g: the user, the language
            ctx.flashes = [*pending, ("error", message)]
            g.kept_form, g.kept_args, g.error_fields = kept_form, kept_args, err.fields
            try:  # as a GET of the page: the request hooks, then the view
                rv = app.preprocess_request()
                if rv is None:
                    rv = app.ensure_sync(app.view_functions[endpoint])(**ctx.request.view_args)
                response = app.make_response(rv)
            except (DomainError, engine.EngineError, HTTPException):
                db.session.rollback()
                response = None
            finally:
                for name in ("kept_form", "kept_args", "error_fields"):
                    g.pop(name, None)
        if (
            response is not None
            and response.status_code == 200
            and response.mimetype == "text/html"
        ):
            response.status_code = err.status
            return response
    if pending:
        session["_flashes"] = pending
    return None


def _pages() -> list[tuple[str, str]]:
    """Where the form may have been: the same-site referrer, then the posted URL itself and
    the page above it (``…/compilations/5/submit`` → ``…/compilations/5``)."""
    out = []
    back = back_url(None)
    if back:
        parts = urlsplit(back)
        path = parts.path
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        out.append((path, parts.query))
    out.append((request.path, request.query_string.decode("latin-1")))
    parent = request.path.rstrip("/")
    for _level in range(2):
        parent = parent.rsplit("/", 1)[0]
        if parent:
            out.append((parent, ""))
    return list(dict.fromkeys(out))


def shown_url() -> str | None:
    """The URL of the page shown again after a refusal (base.html puts it in the address bar,
    so that a reload shows the page and the next form's referrer is the page)."""
    if g.get("kept_form") is None or not request.path:
        return None
    return request.full_path.rstrip("?")


# -- input no column can store ----------------------------------------------------------------


def refuse_control_characters():
    """Before any view: refuse control characters in the query, the form or a JSON body."""
    if request.endpoint == "static":
        return
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if _has_control(key) or _has_control(value):
                raise InvalidInput("control_characters", CONTROL_CHARACTERS, field=key)
    if request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and _has_control(value):
                    raise InvalidInput("control_characters", CONTROL_CHARACTERS, field=key)


def _has_control(text: str) -> bool:
    return len(text.translate(_CONTROL_TABLE)) != len(text)


# -- registration ------------------------------------------------------------------------------


def register_error_handlers(app):
    app.jinja_env.globals.update(kept=kept, kept_list=kept_list, kept_checked=kept_checked,
                                 invalid=invalid, shown_url=shown_url)  # fmt: skip
    app.before_request(refuse_control_characters)

    @app.errorhandler(engine.EngineError)
    def engine_error(err: engine.EngineError):
        return domain_error(engine_error_as_domain(err))

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        db.session.rollback()  # nothing half-written
        message = err.message(lang())
        if err.status == 403:
            return refuse(403, message)
        if wants_json() or request.is_json:
            return jsonify(error_json(err)), err.status
        if request.headers.get("HX-Request"):
            return render_template("errors/flash.html", message=message), err.status
        if request.method == "POST":
            page = _rerender(err, message)
            if page is not None:
                return page
        return render_template("errors/error.html", status=err.status, message=message), err.status

    @app.errorhandler(404)
    def not_found(_err):
        return _http_error(404, "not_found", _("页面不存在"))

    @app.errorhandler(405)
    def method_not_allowed(err):
        answer = _http_error(405, "method_not_allowed", _("不支持该请求方法"))
        answer.headers["Allow"] = ", ".join(err.valid_methods or ())
        return answer

    @app.errorhandler(413)
    def too_large(_err):
        limit = request.max_content_length or 0
        message = _("提交的内容过大（上限 %(mb)s MB），请压缩或拆分后重试",
                    mb=f"{limit / (1024 * 1024):g}")  # fmt: skip
        return _http_error(413, "too_large", message, json=wants_json() or request.is_json)

    @app.errorhandler(400)
    def bad_request(err):
        return _http_error(400, "bad_request", getattr(err, "description", None) or _("请求不正确"))

    @app.errorhandler(500)
    def server_error(_err):
        db.session.rollback()
        return _http_error(500, "server_error", _("系统繁忙，请稍后再试"))


def _http_error(status: int, error: str, message: str, *, json: bool | None = None):
    """An HTTP-level refusal: the API's error object (as a refusal's, without a field), or
    the error page."""
    if wants_json() if json is None else json:
        body = {"ok": False, "error": error, "reason": error, "message": message}
        return make_response(jsonify(body), status)
    return make_response(render_template("errors/error.html", status=status, message=message),
                         status)  # fmt: skip
