"""Demo roster data: every demo worker's labour contract, two teams per unit with their
leaders, every worker dispatched, and the accepted ones entered on site before the demo's
sign-ins (``domain.signin.demo`` signs in the last 30 days)."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from domain.clock import today_in_shanghai
from domain.model import Assignment
from domain.roster.model import EntryExit, LabourContract, LabourContractFile, Team

CONTRACT_START = date(2025, 1, 1)  # the demo project's first day
ENTRY = date(2025, 1, 6)
TEAM_NAMES = ("第一班组", "第二班组")
TASKS = ("3 号楼主体结构钢筋绑扎", "地下室模板支设", "外立面幕墙安装")


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of ASCII text (the demo's stand-in for a scan)."""
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    ) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("ascii") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    return bytes(out)


def _ends_on(n: int, today: date) -> date:
    """Four to six years ahead for most; two within 30 days (the roster flags them)."""
    if n in (8, 20):
        return today + timedelta(days=20)
    return today + timedelta(days=4 * 365 + (n * 37) % 700)


def load_roster_demo(session: Session, assignments: list[Assignment], recorders: dict[int, int],
                     entered_by: int, today: date | None = None) -> None:  # fmt: skip
    """``assignments`` in the order of the demo workers (n = 1, 2, …); ``recorders``: unit id →
    the user who records that unit's contracts; ``entered_by``: the GC's user."""
    today = today or today_in_shanghai()
    by_unit: dict[int, list[tuple[int, Assignment]]] = {}
    for n, a in enumerate(assignments, start=1):
        by_unit.setdefault(a.unit_id, []).append((n, a))
    for unit_id, members in by_unit.items():
        project_id = members[0][1].project_id
        teams = [Team(project_id=project_id, unit_id=unit_id, name=name,
                      created_by=recorders[unit_id]) for name in TEAM_NAMES]  # fmt: skip
        session.add_all(teams)
        session.flush()
        for i, (n, a) in enumerate(members):
            team = teams[i % 2]
            a.team_id = team.id
            if team.leader_person_id is None and a.state == "accepted":
                team.leader_person_id = a.person_id
            _contract(session, n, a, recorders[unit_id], today)
            if a.state == "accepted":
                a.entered_on = ENTRY + timedelta(days=n % 10)
                session.add(EntryExit(assignment_id=a.id, project_id=a.project_id,
                                      person_id=a.person_id, kind="entry", day=a.entered_on,
                                      recorded_by=entered_by))  # fmt: skip
    session.flush()


def _contract(session: Session, n: int, a: Assignment, recorder: int, today: date) -> None:
    per_task = n % 9 == 0
    ends = _ends_on(n, today)  # per task: the expected end
    data = demo_pdf(["Labour contract (demo)", f"Worker w{n:03d}",
                     f"{CONTRACT_START.isoformat()} - {ends.isoformat()}"])  # fmt: skip
    contract = LabourContract(
        person_id=a.person_id, enterprise_id=a.unit.enterprise_id, project_id=a.project_id,
        unit_id=a.unit_id, kind="per_task" if per_task else "fixed_term",
        starts_on=CONTRACT_START, ends_on=ends, effective_until=ends,
        task=TASKS[n % len(TASKS)] if per_task else None, file_name=f"劳动合同-w{n:03d}.pdf",
        file_type="application/pdf", file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(), recorded_by=recorder,
    )  # fmt: skip
    session.add(contract)
    session.flush()
    session.add(LabourContractFile(contract_id=contract.id, data=data))


def bulk_on_site(session: Session, project_id: int, unit_id: int, enterprise_id: int,
                 people: list[tuple[int, int]], since: date, until: date) -> None:  # fmt: skip
    """For benchmarks: ``people`` [(assignment id, person id)] each get a fixed-term contract
    ``since``–``until`` with the employer and an entry on ``since`` (bulk inserts)."""
    data = demo_pdf(["Labour contract (bench)"])
    digest = hashlib.sha256(data).hexdigest()
    ids = session.scalars(insert(LabourContract).returning(LabourContract.id), [
        dict(person_id=pid, enterprise_id=enterprise_id, project_id=project_id, unit_id=unit_id,
             kind="fixed_term", starts_on=since, ends_on=until, effective_until=until,
             file_name="contract.pdf", file_type="application/pdf", file_size=len(data),
             file_sha256=digest)
        for _aid, pid in people
    ]).all()  # fmt: skip
    session.execute(insert(LabourContractFile), [dict(contract_id=i, data=data) for i in ids])
    session.execute(insert(EntryExit), [
        dict(assignment_id=aid, project_id=project_id, person_id=pid, kind="entry", day=since)
        for aid, pid in people
    ])  # fmt: skip
    session.execute(update(Assignment).where(Assignment.id.in_([a for a, _ in people]))
                    .values(entered_on=since))  # fmt: skip
