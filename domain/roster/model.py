"""Tables of the roster: labour contracts (劳动合同) and their signed documents, teams (班组),
and the entry/exit history (进退场记录, the national platform's EntryExitHistory)."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.model import Enterprise, Person, User

CONTRACT_KINDS = ("fixed_term", "per_task")
ENTRY_EXIT_KINDS = ("entry", "exit")


class LabourContract(Base):
    """A worker's labour contract with his employer (用人单位: the unit's enterprise).

    ``fixed_term`` (固定期限) runs ``starts_on``–``ends_on``; ``per_task`` (以完成一定工作任务为
    期限) names its ``task`` and its expected end in ``ends_on``. A contract recorded later for
    the same worker and employer supersedes the earlier ones from its start on: their
    ``effective_until`` is cut to the day before (it may then cover no day at all); nothing is
    deleted. The signed document is in ``LabourContractFile`` (the audit log records its
    digest, never its bytes)."""

    __tablename__ = "labour_contract"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    # Where it was recorded (the project and unit of the worker's assignment).
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    task: Mapped[str | None] = mapped_column(String(200))
    effective_until: Mapped[date] = mapped_column(Date)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("labour_contract.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(30))
    file_size: Mapped[int] = mapped_column(Integer)
    file_sha256: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint("kind in ('fixed_term', 'per_task')", name="kind"),
        CheckConstraint("ends_on >= starts_on", name="term"),
        Index("ix_labour_contract_person_enterprise", "person_id", "enterprise_id"),
    )

    person: Mapped[Person] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    recorder: Mapped[User | None] = relationship()


class LabourContractFile(Base):
    """The signed contract as uploaded (PDF, JPEG or PNG; the type sniffed from the bytes)."""

    __tablename__ = "labour_contract_file"
    contract_id: Mapped[int] = mapped_column(ForeignKey("labour_contract.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Team(Base):
    """A team (班组) of a unit on a project, with its leader (班组长): an accepted worker of
    that unit (set once the team has one)."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    leader: Mapped[Person | None] = relationship()


class EntryExit(Base):
    """One entry (进场) or exit (退场) of a worker on a project, recorded by the general
    contractor; the assignment keeps the current ``entered_on``/``exited_on`` for fast checks.
    An exit on day D ends sign-in and compile eligibility from D + 1."""

    __tablename__ = "entry_exit"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(5))
    day: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: migration
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint("kind in ('entry', 'exit')", name="kind"),
        Index("ix_entry_exit_project_person", "project_id", "person_id"),
    )
