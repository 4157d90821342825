"""Shared by the wage payment web, integration and browser tests: a fake bank, the PKI, logins."""

from connectors.bank_client import ACCEPTED, SubmitResult
from connectors.bank_iso20022 import NS
from connectors.bank_reports import TransactionStatus


class FakeBank:
    """Accepts every payment except the EndToEndIds in ``reject``; counts what it was sent."""

    def __init__(self, reject=()):
        self.reject = set(reject)
        self.files: dict[str, bytes] = {}
        self.sent = 0

    def __call__(self, url):
        return self

    def submit(self, xml: bytes) -> SubmitResult:
        from lxml import etree

        self.sent += 1
        msg_id = etree.fromstring(xml).findtext(
            f"{{{NS}}}CstmrCdtTrfInitn/{{{NS}}}GrpHdr/{{{NS}}}MsgId"
        )
        self.files.setdefault(msg_id, xml)
        return SubmitResult(msg_id, ACCEPTED, "PART", lines=self.fetch_status(msg_id))

    def fetch_status(self, msg_id):
        from lxml import etree

        ids = [e.text for e in etree.fromstring(self.files[msg_id]).iter(f"{{{NS}}}EndToEndId")]
        return {
            e: TransactionStatus(e, "RJCT", "AC04", "账户已销户") if e in self.reject
            else TransactionStatus(e, "ACCP") for e in ids
        }  # fmt: skip

    def fetch_returns(self, msg_id):
        return []


def bound_connectors(app):
    """The app's bound payroll operators (a test swaps the bank client or adds a crash hook)."""
    from web.runtime import wiring

    return wiring(app).payroll


PM_PASSWORD = "qianshu2026"


def drive_to_enterprise_signing(app, client, auth, month: str) -> int:
    """Through the pages: settlement day 25, a batch, three units compiled and approved, the
    summary rendered (jobs run here) and signed by the PM.  Returns the batch id."""
    from sqlalchemy import select

    from domain.payroll.model import Compilation, WageBatch
    from web.extensions import db

    def ok(response):
        assert response.status_code == 302, response.text[:300]

    def login(who):
        auth.logout()
        ok(auth.login(who))

    login("gc_pm")
    ok(client.post("/projects/1/payroll/settlement", data={"day": "25"}))
    ok(client.post("/projects/1/payroll/batches", data={"month": month}))
    with app.app_context():
        batch_id = db.session.scalar(select(WageBatch.id).order_by(WageBatch.id.desc()))
        comps = dict(db.session.execute(
            select(Compilation.unit_id, Compilation.id).where(Compilation.batch_id == batch_id)
        ).all())  # fmt: skip
    for who, unit in (("gc_op", 1), ("suba_op", 2), ("subb_op", 3)):
        login(who)
        ok(
            client.post(
                "/projects/1/payroll/compilations/new", data={"compilation_id": comps[unit]}
            )
        )
        confirm_lines(app, comps[unit])
        ok(client.post(f"/projects/1/payroll/compilations/{comps[unit]}/submit"))
    for who, unit in (("suba_pm", 2), ("subb_pm", 3), ("gc_pm", 1), ("gc_pm", 2), ("gc_pm", 3)):
        login(who)
        ok(client.post(f"/projects/1/payroll/compilations/{comps[unit]}/review",
                       data={"decision": "approve"}))  # fmt: skip
    ok(client.post(f"/projects/1/payroll/batches/{batch_id}/summary"))
    drain(app)
    url = f"/projects/1/payroll/batches/{batch_id}/sign"
    ok(client.post(url, data={"action": "issue", "password": PM_PASSWORD}))
    ok(client.post(url, data={"password": PM_PASSWORD}))
    return batch_id


def configure_payroll(app, pki_dir, poll: str = "PT0S"):
    """A test PKI in ``pki_dir`` and a bank poll interval for the app; → the app."""
    from services.pki import make_pki

    make_pki(pki_dir)
    app.config.update(ZHUXIN_PKI_DIR=str(pki_dir), ZHUXIN_BANK_POLL=poll)
    return app


def drain(app) -> None:
    """Run the due engine jobs (connectors, timers) until none are left, at most 30 rounds."""
    from services.processes import run_due_jobs
    from web.extensions import db
    from web.runtime import uow

    with app.app_context():
        for _ in range(30):
            if not run_due_jobs(uow()):
                break
        db.session.remove()


def confirm_lines(app, compilation_id: int) -> None:
    """工人确认 (条例 Art. 31): each worker of the table confirms his line as it is now, as his
    phone does (a worker without an account confirms as himself, with no user)."""
    from sqlalchemy import select

    from domain.access import Actor, load_actor
    from domain.model import User
    from domain.payroll import confirmation as rules
    from domain.payroll.model import Compilation
    from services import confirmation
    from web.extensions import db
    from web.runtime import uow

    with app.app_context():
        comp = db.session.get(Compilation, compilation_id)
        states = rules.states_for(db.session, list(comp.lines))
        for line in list(comp.lines):
            if states[line.id].counts:
                continue
            user = db.session.scalar(select(User).where(User.person_id == line.person_id))
            actor = load_actor(db.session, user) if user else Actor(None, line.worker_name,  # type: ignore[arg-type]
                                                                    line.person_id)  # fmt: skip
            confirmation.confirm_line(uow(), actor, line.id)
        db.session.remove()
