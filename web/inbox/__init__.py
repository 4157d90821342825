"""Inbox (待办) and the generic task page; process administration (definitions, instances,
incidents)."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from web.inbox import admin_views, api, messages_views, process_api, views  # noqa: E402,F401
