"""Pre-shift sign-in area (班前签到): code pages, both scan directions, point, attendance, API."""

from flask import Blueprint

bp = Blueprint("signin", __name__)

from web.signin import api, makeup_views, views  # noqa: E402,F401
