"""Upload to the national workers' platform against its simulator in its own process
(tools/platform_sim.py: signature, AES, required fields, code tables, asynchronous results):
the demo project's participants, teams, workers, contracts, entries, sign-ins and a paid month
reach it; one worker is refused with the platform's reason, shown on 平台同步, sent again after
the cause is gone and accepted, and his records follow; a platform that does not answer makes
the step retry, not lose anything."""

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import func, select

from domain.model import Assignment, Person
from domain.payroll.batches import month_choices
from domain.platform_sync import PlatformSync
from domain.signin.model import Attendance
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.integration.test_bank_mockbank import _free_port
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    configure_payroll,
    drain,
    drive_to_enterprise_signing,
)

SIM = Path(__file__).resolve().parents[2] / "tools" / "platform_sim.py"
APPID, SECRET = "zhuxin-test", "Sim-Secret-For-Tests-2026"


@pytest.fixture
def platform_url():
    port = _free_port()
    process = subprocess.Popen([sys.executable, str(SIM), "--port", str(port), "--appid", APPID,
                                "--secret", SECRET, "--delay", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urlopen(url + "/_sim/health", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the platform simulator did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def platform_app(app, tmp_path, platform_url):
    configure_payroll(app, tmp_path / "pki")
    app.config.update(ZHUXIN_PLATFORM_URL=platform_url + "/api", ZHUXIN_PLATFORM_APPID=APPID,
                      ZHUXIN_PLATFORM_SECRET=SECRET, ZHUXIN_PLATFORM_WAIT="PT0S")  # fmt: skip
    return app


def _sim(url: str, path: str, body=None, method="GET"):
    data = json.dumps(body).encode() if body is not None else None
    with urlopen(Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})) as r:
        return json.load(r)


def _round(app) -> None:
    """One scheduled round: the uploads started, every step of them run."""
    from services import platform
    from web.runtime import uow

    with app.app_context():
        platform.start_uploads(uow())
    drain(app)


def _states(app) -> dict:
    from web.extensions import db

    with app.app_context():
        rows = db.session.execute(select(PlatformSync.kind, PlatformSync.state, func.count())
                                  .group_by(PlatformSync.kind, PlatformSync.state)).all()  # fmt: skip
        return {(k, s): n for k, s, n in rows}


def _refused_worker(app):
    from web.extensions import db

    with app.app_context():
        a = db.session.scalar(select(Assignment).where(Assignment.project_id == 1, Assignment.state == "accepted",
                                                       Assignment.team_id.is_not(None)).order_by(Assignment.id))
        person = db.session.get(Person, a.person_id)
        signins = db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.person_id == person.id))
        return a.id, person.id_number, person.name, signins


def test_every_object_reaches_the_platform_and_a_refusal_is_resent(platform_app, platform_url, client, auth, tmp_path):
    app = platform_app
    # A paid month first, so that the payroll is among what is uploaded.
    bound_connectors(app).bank_client = FakeBank()
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    auth.logout()
    auth.login("gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    assert client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                       data={"p12": (io.BytesIO(p12), "e.p12"), "password": DEMO_ENTERPRISE_PASSWORD}).status_code == 302
    drain(app)

    assignment_id, id_number, name, signins = _refused_worker(app)
    _sim(platform_url, "/_sim/refuse", {"method": "ProjectWorker.Add", "field": "idCardNumber",
                                        "value": id_number, "reason": "身份证号码与姓名不一致"}, "POST")  # fmt: skip
    _round(app)
    states = _states(app)
    assert states[("participant", "accepted")] == 3 and states[("team", "accepted")] == 6
    assert states[("worker", "refused")] == 1 and states[("worker", "accepted")] > 5
    for kind in ("contract", "entry_exit", "attendance", "payroll"):
        assert states.get((kind, "accepted"), 0) > 0, kind
        assert (kind, "refused") not in states, kind
    assert not any(s == "pending" for _, s in states)

    # What the platform holds is what zhuxin has, decrypted on its side.
    workers = _sim(platform_url, "/_sim/records?method=ProjectWorker.Add")
    assert id_number not in {w["idCardNumber"] for w in workers} and len(workers) == states[("worker", "accepted")]
    attendance = _sim(platform_url, "/_sim/records?method=WorkerAttendance.Add")
    assert len(attendance) == states[("attendance", "accepted")]
    assert all(73 <= a["lng"] <= 136 and 3 <= a["lat"] <= 54 for a in attendance if "lng" in a)
    payroll = _sim(platform_url, "/_sim/records?method=Payroll.Add")
    assert payroll and all(p["isBackPay"] == 0 for p in payroll)

    # The GC operator sees the reason, and sends him again once the cause is gone.
    auth.logout()
    auth.login("gc_op")
    page = client.get("/projects/1/platform?state=refused").text
    assert "身份证号码与姓名不一致" in page and name in page and "重新上传" in page
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(PlatformSync).where(PlatformSync.kind == "worker",
                                                           PlatformSync.object_key == str(assignment_id)))
    _sim(platform_url, "/_sim/refuse", method="DELETE")
    assert client.post(f"/projects/1/platform/{row.id}/resend").status_code == 302
    assert client.post(f"/projects/1/platform/{row.id}/resend").status_code == 409  # not refused any more
    _round(app)
    states = _states(app)
    assert ("worker", "refused") not in states
    attendance = _sim(platform_url, "/_sim/records?method=WorkerAttendance.Add")
    assert sum(a["idCardNumber"] == id_number for a in attendance) == signins > 0
    # Nothing is sent twice.
    before = len(attendance)
    _round(app)
    assert len(_sim(platform_url, "/_sim/records?method=WorkerAttendance.Add")) == before


def test_a_silent_platform_makes_the_step_retry_and_a_subcontractor_sees_nothing(platform_app, client, auth):
    app = platform_app
    app.config.update(ZHUXIN_PLATFORM_URL=f"http://127.0.0.1:{_free_port()}/api")
    _round(app)
    from engine.models import Job
    from web.extensions import db

    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.operation == "platform/Upload"))
        assert job.status == "pending" and job.attempts >= 1 and job.last_error
        assert db.session.scalar(select(func.count()).select_from(PlatformSync).where(PlatformSync.state == "pending")) == 0
    auth.logout()
    auth.login("suba_op")
    assert client.get("/projects/1/platform").status_code == 403
