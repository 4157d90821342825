"""Sign-in helpers for web tests."""

from datetime import date, timedelta

from sqlalchemy import select


def recent_day_without_sign_in(app, username: str, project_id: int = 1) -> date:
    """A day 2–29 days back on which ``username``'s worker has no sign-in on the project: the
    demo signs workers in on many recent days, so a fixed "two days ago" depends on the date."""
    from domain.clock import today_in_shanghai
    from domain.model import User
    from domain.signin.model import Attendance
    from web.extensions import db

    with app.app_context():
        person_id = db.session.scalar(select(User.person_id).where(User.username == username))
        signed = set(db.session.scalars(select(Attendance.day).where(
            Attendance.person_id == person_id, Attendance.project_id == project_id)))  # fmt: skip
    today = today_in_shanghai()
    return next(today - timedelta(days=n) for n in range(2, 30)
                if today - timedelta(days=n) not in signed)  # fmt: skip
