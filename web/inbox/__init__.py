"""Inbox (待办) and the generic task page; process administration (definitions, instances,
incidents)."""

from flask import Blueprint, g

from web.labels import engine_label

bp = Blueprint("inbox", __name__)


@bp.app_template_filter("engine_label")
def engine_label_filter(code) -> str:
    """``{{ i.status|engine_label }}``: an engine state or kind in words (web/labels.py)."""
    return engine_label(code, g.get("lang", "zh"))


from web.inbox import admin_views, api, messages_views, process_api, views  # noqa: E402,F401
