"""A logged-in session written straight into a test client (no password round trip): the
user id, the user's current session version and a fresh login time, as ``web.auth`` sets them."""

import time

from sqlalchemy import select


def log_in_directly(client, app, username: str | None) -> None:
    from domain.model import User
    from web.extensions import db

    row = None
    if username is not None:
        with app.app_context():
            row = db.session.execute(select(User.id, User.session_version)
                                     .where(User.username == username)).one_or_none()  # fmt: skip
    with client.session_transaction() as s:
        lang = s.get("lang")
        s.clear()
        if lang:
            s["lang"] = lang
        if row is not None:
            s["_user_id"] = str(row.id)
            s["sv"], s["login_at"] = row.session_version or 0, int(time.time())
