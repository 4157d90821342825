"""Entry point for gunicorn: ``gunicorn 'web.wsgi:app'`` (one app and background per worker)."""

from web import create_app
from web.runtime import start_background

app = create_app()
start_background(app)
