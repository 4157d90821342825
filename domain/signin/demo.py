"""Demo sign-in data: the project's sign-in point and a month of sign-ins (deterministic)."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domain import roles
from domain.clock import SHANGHAI, today_in_shanghai
from domain.model import Assignment, Authorisation, Project
from domain.signin.coords import Point, to_wgs84
from domain.signin.geofence import LocationFix, distance_m
from domain.signin.model import Attendance

# The manual's AMap share-link example (方式二): lng 121.46558, lat 31.189384, in GCJ-02.
DEMO_POINT_GCJ02 = (121.46558, 31.189384)
DEMO_DAYS = 30


def load_signin_demo(session: Session, project: Project, today=None) -> int:
    """Set the demo project's point and add sign-ins for the ``DEMO_DAYS`` days before today."""
    point = to_wgs84(*DEMO_POINT_GCJ02, "gcj02")
    project.signin_lat, project.signin_lng = round(point.lat, 8), round(point.lng, 8)
    session.flush()
    rng = random.Random(4)
    today = today or today_in_shanghai()
    officer = session.scalar(
        select(Authorisation.person_id).where(
            Authorisation.project_id == project.id,
            Authorisation.post == roles.SIGNIN_OFFICER,
            Authorisation.revoked_at.is_(None),
        )
    )
    roster = session.execute(
        select(Assignment.person_id, Assignment.unit_id)
        .where(Assignment.project_id == project.id, Assignment.state == "accepted")
        .order_by(Assignment.person_id)
    ).all()
    rows = []
    for back in range(DEMO_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() == 6:  # Sundays off
            continue
        for person_id, unit_id in roster:
            if rng.random() < 0.1:
                continue
            rows.append(_row(rng, project, point, officer, person_id, unit_id, day))
    if rows:
        session.execute(insert(Attendance), rows)
    return len(rows)


def _row(rng, project, point: Point, officer, person_id, unit_id, day) -> dict:
    local = datetime(day.year, day.month, day.day, 6, 30, tzinfo=SHANGHAI)
    signed = local + timedelta(seconds=rng.randrange(0, 2 * 3600))
    fix = Point(point.lat + rng.uniform(-8e-4, 8e-4), point.lng + rng.uniform(-8e-4, 8e-4))
    accuracy = float(rng.choice((5, 10, 15, 20, 30, 65)))
    distance = distance_m(point, LocationFix(fix, accuracy))
    by_officer = officer is not None and rng.random() < 0.3
    return dict(
        project_id=project.id,
        unit_id=unit_id,
        person_id=person_id,
        day=day,
        signed_at=signed.astimezone(UTC).replace(tzinfo=None),
        method="officer_scan" if by_officer else "worker_scan",
        officer_person_id=officer,
        worker_lat=None if by_officer else fix.lat,
        worker_lng=None if by_officer else fix.lng,
        officer_lat=fix.lat if by_officer else None,
        officer_lng=fix.lng if by_officer else None,
        accuracy_m=accuracy,
        distance_m=round(distance, 1),
        device="demo",
        makeup=False,
    )
