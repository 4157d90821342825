"""Upload to the national workers' platform (全国建筑工人管理服务信息平台), the operators that
``bpmn/platform_upload.bpmn`` names:

- ``platform/Upload``       every object of the project not yet sent, in dependency order
                            (``domain.platform_sync.KINDS``): participants, teams, workers,
                            contracts, entries/exits, sign-ins (≤ 20 per call, WGS-84, by team),
                            paid payrolls per unit and team; each call recorded ``pending`` with
                            its ``requestSerialCode`` in the same transaction as the send
- ``platform/PollResults``  ``AsyncHandleResult.Query`` of every pending request: accepted (with
                            the platform's id, e.g. the ``teamSysNo``) or refused with its reason

The scheduled step ``platform.sync`` starts one instance per project every few minutes while
the platform is configured (``ZHUXIN_PLATFORM_URL``, ``…_APPID``, ``…_SECRET``; off when the URL
is empty).  A platform that does not answer raises, so the engine retries the step with backoff
and, after its retries, raises an incident for the administrator; a record the platform refuses
is not an error of the step: it is shown on 平台同步 with the reason and a 重新上传.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine
from connectors.platform import FAILED, SUCCESS, PlatformClient, codes
from domain import platform_sync as sync
from domain.clock import shanghai_time
from domain.masking import mask_id_number
from domain.model import Assignment, Person, Project, Unit
from domain.payroll.model import Compilation, LinePayment, WageBatch, WageLineRow
from domain.roster.model import EntryExit, LabourContract, Team
from domain.signin.model import Attendance

log = logging.getLogger(__name__)
PROCESS = "platform_upload"  # bpmn/platform_upload.bpmn
ATTENDANCE_PER_CALL = 20
ATTENDANCE_PER_RUN = 2000  # the rest goes next run


@dataclass(frozen=True)
class PlatformSettings:
    url: str
    appid: str
    secret: str

    @classmethod
    def of(cls, settings: Mapping) -> PlatformSettings:
        return cls(str(settings.get("ZHUXIN_PLATFORM_URL", "") or ""),
                   str(settings.get("ZHUXIN_PLATFORM_APPID", "") or ""),
                   str(settings.get("ZHUXIN_PLATFORM_SECRET", "") or ""))  # fmt: skip

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.appid and self.secret)


@dataclass(frozen=True)
class Call:
    """One platform call: its method, data, and the sync rows it decides."""

    method: str
    data: dict
    rows: list[sync.PlatformSync]


@dataclass
class PlatformConnectors:
    session_factory: Callable[[], Session]
    settings: Callable[[], PlatformSettings]
    client: Callable[[PlatformSettings], PlatformClient] = field(
        default=lambda s: PlatformClient(s.url, s.appid, s.secret))

    def upload(self, params: dict, ctx) -> dict:
        """Send what is not sent yet; one transaction per call, so a crash loses nothing."""
        config = self.settings()
        client = self.client(config)
        sent = 0
        for kind in sync.KINDS:
            with self.session_factory() as session:
                calls = list(_calls(session, int(params["project_id"]), kind, client))
                for call in calls:
                    code = client.submit(call.method, call.data)
                    sync.mark_sent(call.rows, code)
                    session.commit()
                    sent += len(call.rows)
        return {"sent": sent}

    def poll_results(self, params: dict, ctx) -> dict:
        client = self.client(self.settings())
        counts = {"accepted": 0, "refused": 0, "waiting": 0}
        with self.session_factory() as session:
            by_code: dict[str, list[sync.PlatformSync]] = defaultdict(list)
            for row in sync.pending(session, int(params["project_id"])):
                by_code[row.request_code or ""].append(row)
            for code, rows in by_code.items():
                result = client.result(code)
                if result.status == SUCCESS:
                    ref = (result.result or {}).get("teamSysNo")
                    sync.decide(rows, True, ref=ref)
                    counts["accepted"] += len(rows)
                elif result.status == FAILED:
                    sync.decide(rows, False, result.reason)
                    counts["refused"] += len(rows)
                else:
                    counts["waiting"] += len(rows)
                session.commit()
        return counts


def _ids(client: PlatformClient, person: Person) -> dict:
    return {"idCardType": codes()["id_types"]["居民身份证"], "idCardNumber": client.encrypt(person.id_number)}


def _unsent(session: Session, project_id: int, kind: str, key: str, label: str):
    row = sync.row_for(session, project_id, kind, key, label)
    return row if row.state == sync.NOT_SENT else None


def _calls(session: Session, project_id: int, kind: str, client: PlatformClient) -> Iterator[Call]:
    project = session.get(Project, project_id)
    assert project is not None
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.project_id == project_id))}
    corp = {uid: u.enterprise for uid, u in units.items()}
    base = {"projectCode": project.code}
    if kind == "participant":
        for uid, enterprise in corp.items():
            row = _unsent(session, project_id, kind, str(uid), enterprise.name)
            if row:
                yield Call("ProjectSubContractor.Add", base | {
                    "corpCode": enterprise.credit_code, "corpName": enterprise.name,
                    "corpType": codes()["unit_types"][enterprise.kind]}, [row])  # fmt: skip
        return
    known_units = sync.accepted_refs(session, project_id, "participant")
    teams = sync.accepted_refs(session, project_id, "team")
    if kind == "team":
        for team in session.scalars(select(Team).where(Team.project_id == project_id)):
            if str(team.unit_id) not in known_units:
                continue
            row = _unsent(session, project_id, kind, str(team.id), team.name)
            if row:
                enterprise = corp[team.unit_id]
                yield Call("Team.Add", base | {"corpCode": enterprise.credit_code, "corpName": enterprise.name,
                                               "teamName": team.name}, [row])  # fmt: skip
        return
    assignments = {a.person_id: a for a in session.scalars(
        select(Assignment).where(Assignment.project_id == project_id, Assignment.state == "accepted",
                                 Assignment.team_id.is_not(None)))
        if str(a.team_id) in teams}  # fmt: skip
    workers = sync.accepted_refs(session, project_id, "worker")
    if kind == "worker":
        for a in assignments.values():
            person = a.person
            row = _unsent(session, project_id, kind, str(a.id), f"{person.name} {mask_id_number(person.id_number)}")
            if row:
                yield Call("ProjectWorker.Add", base | {
                    "corpCode": corp[a.unit_id].credit_code, "teamSysNo": teams[str(a.team_id)],
                    "workerList": [_ids(client, person) | {
                        "workerName": person.name, "isTeamLeader": 0,
                        "workType": codes()["trades"].get(person.trade, codes()["trades"]["其他"]),
                        "payRollBankCardNumber": client.encrypt(person.bank_card),
                        "payRollBankName": person.bank_name, "bankLinkNumber": person.bank_cnaps,
                        "payRollTopBankCode": person.bank_cnaps[:3]}]}, [row])  # fmt: skip
        return
    on_platform = {pid: a for pid, a in assignments.items() if str(a.id) in workers}
    if kind == "contract":
        for c in session.scalars(select(LabourContract).where(LabourContract.project_id == project_id)):
            holder = on_platform.get(c.person_id)
            row = _unsent(session, project_id, kind, str(c.id), f"{c.person.name} {c.starts_on}–{c.ends_on}") if holder else None
            if row:
                yield Call("WorkerContract.Add", base | {"corpCode": corp[c.unit_id].credit_code, "contractList": [
                    _ids(client, c.person) | {"contractPeriodType": "1" if c.kind == "per_task" else "0",
                                              "startDate": c.starts_on.isoformat(), "endDate": c.ends_on.isoformat()}]},
                           [row])  # fmt: skip
        return
    if kind == "entry_exit":
        for e in session.scalars(select(EntryExit).where(EntryExit.project_id == project_id).order_by(EntryExit.id)):
            stint = on_platform.get(e.person_id)
            if stint is None:
                continue
            person = stint.person
            row = _unsent(session, project_id, kind, str(e.id), f"{person.name} {e.kind} {e.day}")
            if row:
                yield Call("WorkerEntryExit.Add", base | {
                    "corpCode": corp[stint.unit_id].credit_code, "teamSysNo": teams[str(stint.team_id)],
                    "dataList": [_ids(client, person) | {"date": e.day.isoformat(),
                                                         "type": codes()["entry_exit"][e.kind]}]}, [row])  # fmt: skip
        return
    if kind == "attendance":
        yield from _attendance_calls(session, project_id, base, teams, on_platform, client)
        return
    if kind == "payroll":
        yield from _payroll_calls(session, project, base, teams, on_platform, corp, client)


def _attendance_calls(session, project_id, base, teams, on_platform, client) -> Iterator[Call]:
    by_team: dict[str, list[tuple[sync.PlatformSync, dict]]] = defaultdict(list)
    rows = session.scalars(select(Attendance).where(Attendance.project_id == project_id,
                                                    Attendance.person_id.in_(list(on_platform)))
                           .order_by(Attendance.id).limit(ATTENDANCE_PER_RUN * 2))  # fmt: skip
    taken = 0
    for att in rows:
        a = on_platform[att.person_id]
        row = _unsent(session, project_id, "attendance", str(att.id), f"{a.person.name} {att.day}")
        if row is None:
            continue
        record = _ids(client, a.person) | {
            "date": shanghai_time(att.signed_at.replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:%M:%S"),
            "direction": codes()["directions"]["in"], "channel": att.method}
        lat, lng = (att.worker_lat, att.worker_lng) if att.worker_lat is not None else (att.officer_lat, att.officer_lng)
        if lat is not None and lng is not None:
            record |= {"lat": round(lat, 6), "lng": round(lng, 6)}  # stored WGS-84, as the platform takes
        by_team[teams[str(a.team_id)]].append((row, record))
        taken += 1
        if taken >= ATTENDANCE_PER_RUN:
            break
    for team_no, items in by_team.items():
        for start in range(0, len(items), ATTENDANCE_PER_CALL):
            chunk = items[start:start + ATTENDANCE_PER_CALL]
            yield Call("WorkerAttendance.Add", base | {"teamSysNo": team_no, "dataList": [r for _, r in chunk]},
                       [row for row, _ in chunk])  # fmt: skip


def _payroll_calls(session, project, base, teams, on_platform, corp, client) -> Iterator[Call]:
    comps = session.scalars(select(Compilation).join(WageBatch, WageBatch.id == Compilation.batch_id)
                            .where(WageBatch.project_id == project.id, WageBatch.state == "paid")
                            .order_by(Compilation.id))  # fmt: skip
    for comp in comps:
        batch = session.get(WageBatch, comp.batch_id)
        by_team: dict[int, list[WageLineRow]] = defaultdict(list)
        for line in session.scalars(select(WageLineRow).where(WageLineRow.compilation_id == comp.id,
                                                              WageLineRow.bank_status == "paid")):  # fmt: skip
            a = on_platform.get(line.person_id)
            if a is not None:
                by_team[a.team_id].append(line)
        for team_id, lines in by_team.items():
            key = f"{comp.id}:{team_id}"
            row = _unsent(session, project.id, "payroll", key, f"{batch.batch_no} {corp[comp.unit_id].name}")
            if not row:
                continue
            details = []
            for line in lines:
                paid = session.scalar(select(LinePayment.updated_at).where(
                    LinePayment.line_id == line.id, LinePayment.status == "paid"))  # fmt: skip
                details.append(_ids(client, on_platform[line.person_id].person) | {
                    "days": line.days, "totalPayAmount": f"{line.gross:.2f}", "actualAmount": f"{line.net:.2f}",
                    "isBackPay": 1 if batch.kind == "back_pay" else 0,
                    "balanceDate": shanghai_time(paid.replace(tzinfo=UTC)).strftime("%Y-%m-%d") if paid else "",
                    "payRollBankCardNumber": client.encrypt(line.bank_card), "payRollBankCode": line.bank_cnaps[:3],
                    "payBankCardNumber": client.encrypt(project.wage_account_no),
                    "payBankCode": project.wage_bank_cnaps[:3]})  # fmt: skip
            yield Call("Payroll.Add", base | {"corpCode": corp[comp.unit_id].credit_code,
                                              "corpName": corp[comp.unit_id].name,
                                              "teamSysNo": teams[str(team_id)], "payMonth": batch.pay_month,
                                              "detailList": details}, [row])  # fmt: skip


def start_uploads(session: Session, settings: PlatformSettings, wait: str = "PT10S") -> int:
    """Scheduled step: one ``platform_upload`` instance per project, unless one is running."""
    if not settings.enabled:
        return 0
    started = 0
    for project in session.scalars(select(Project).order_by(Project.id)):
        key = f"PLATFORM-{project.code}"
        running = [i for i in engine.list_instances(session, process_id=PROCESS, business_key=key)
                   if i.status not in ("completed", "terminated")]  # fmt: skip
        if running:
            continue
        engine.start_instance(session, PROCESS, data={"project_id": project.id, "result_after": wait, "rounds": 0},
                              business_key=key,
                              started_by="scheduler")  # fmt: skip
        started += 1
    return started


def register(registry, session_factory: Callable[[], Session], settings: Callable[[], PlatformSettings]):
    bound = PlatformConnectors(session_factory, settings)
    registry.register("platform/Upload", bound.upload)
    registry.register("platform/PollResults", bound.poll_results)
    return bound
