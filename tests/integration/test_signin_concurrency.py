"""100 concurrent scans of the same worker on PostgreSQL → exactly one attendance record.

Runs in the PostgreSQL pass (``make test-postgres``). Without PostgreSQL it fails, never skips:
a green run must mean the unique constraint really held under concurrency.
"""

import os
import threading
from datetime import datetime

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from domain.access import load_actor
from domain.clock import SHANGHAI
from domain.model import Project, User
from domain.signin import service
from domain.signin.coords import Point
from domain.signin.errors import SignInRefused
from domain.signin.geofence import LocationFix
from domain.signin.model import Attendance
from domain.signin.tokens import generate_key_pair, issue_code

pytestmark = pytest.mark.postgres
SCANS = 100
NOW = datetime(2030, 1, 15, 7, 12, tzinfo=SHANGHAI)


def test_concurrent_scans_of_one_worker_make_one_record(app):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.fail("TEST_DATABASE_URL is not set: this test needs PostgreSQL (make test-postgres)")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert url.startswith("postgresql"), url
    engine = create_engine(url, pool_size=30, max_overflow=0, pool_timeout=60)
    private, public = generate_key_pair()
    codes = service.CodeCheck(public)
    with Session(engine) as s:
        officer = load_actor(s, s.scalar(select(User).where(User.username == "w004")))
        p = s.get(Project, 1)
        fix = LocationFix(Point(p.signin_lat, p.signin_lng), 10.0)
    tokens = [issue_code(private, 1, NOW) for _ in range(SCANS)]  # each scan its own fresh code
    start = threading.Barrier(SCANS)
    outcomes, lock = [], threading.Lock()

    def scan(token):
        with Session(engine) as s:
            start.wait()
            try:
                r = service.sign_in_by_officer_scan(
                    s, officer, 1, token, fix, NOW, "concurrency", codes=codes
                )
                s.commit()  # the unit of work of services.signin.officer_scan
                outcome = ("ok", r.time_label)
            except SignInRefused as err:
                outcome = (err.reason, err.params.get("time"))
            except Exception as err:  # noqa: BLE001 - any other error fails the test below
                outcome = ("error", repr(err))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=scan, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with Session(engine) as s:
        stored = s.scalar(
            select(func.count()).where(Attendance.person_id == 1, Attendance.day == NOW.date())
        )
    engine.dispose()
    assert len(outcomes) == SCANS
    assert outcomes.count(("ok", "07:12")) == 1, outcomes
    assert outcomes.count(("already_signed", "07:12")) == SCANS - 1, outcomes
    assert stored == 1
