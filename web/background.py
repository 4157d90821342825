"""Background work inside a web process: the job executor and the scheduler threads.

Started by ``flask zhuxin serve`` and by the gunicorn entry point (``web.wsgi``), never at
import time and never by other CLI commands.
"""

from flask import Flask

STARTERS = []


def background_starter(fn):
    """Register ``fn(app)`` to run once when a serving process starts its background work."""
    STARTERS.append(fn)
    return fn


def start_background(app: Flask) -> None:
    if not app.config.get("ZHUXIN_BACKGROUND") or app.extensions.get("zhuxin_background"):
        return
    app.extensions["zhuxin_background"] = True
    for start in STARTERS:
        start(app)
