"""Project area (项目): my projects, project home, personnel acceptance, role authorisation, audit."""

from flask import Blueprint

bp = Blueprint("project", __name__)

from web.project import account_views, platform_views, roster_views, views, warning_views  # noqa: E402,F401
