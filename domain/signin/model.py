"""Attendance tables of the pre-shift sign-in (班前签到考勤) and make-up requests (补签申请)."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.model import Person, Project, Unit

METHODS = ("worker_scan", "officer_scan", "makeup")
MAKEUP_STATES = ("pending", "approved", "rejected")


class Attendance(Base):
    """One sign-in of a worker on a project for one Shanghai day (签到记录).

    The unique constraint (person, project, day) is what guarantees one record per day, also
    under concurrent scans. Locations are WGS-84; the worker's is known when he scanned, the
    officer's when the officer scanned; ``distance_m`` is from the scanner to the sign-in point.
    """

    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # led by the unique key
    day: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # naive UTC
    method: Mapped[str] = mapped_column(String(12))
    officer_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    worker_lat: Mapped[float | None] = mapped_column(Float)
    worker_lng: Mapped[float | None] = mapped_column(Float)
    officer_lat: Mapped[float | None] = mapped_column(Float)
    officer_lng: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(String(200))
    makeup: Mapped[bool] = mapped_column(Boolean, default=False)
    makeup_request_id: Mapped[int | None] = mapped_column(ForeignKey("makeup_request.id"))
    __table_args__ = (
        UniqueConstraint("person_id", "project_id", "day"),
        CheckConstraint("method in ('worker_scan', 'officer_scan', 'makeup')", name="method"),
        # In the order of the attendance list (考勤记录), in the project and in one unit; the
        # second also serves a unit's days in a pay period (新增编制): migration 0020.
        Index("ix_attendance_list", "project_id", text("day DESC"), "signed_at", "id"),
        Index(
            "ix_attendance_unit_list", "project_id", "unit_id", text("day DESC"), "signed_at", "id"
        ),
    )

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    officer: Mapped[Person | None] = relationship(foreign_keys=[officer_person_id])
    unit: Mapped[Unit] = relationship()
    project: Mapped[Project] = relationship()


class MakeupRequest(Base):
    """A worker's request for a make-up sign-in (补签申请), decided by the GC manager in BPMN."""

    __tablename__ = "makeup_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(String(300))
    process_instance_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint("state in ('pending', 'approved', 'rejected')", name="state"),
    )

    person: Mapped[Person] = relationship()
    project: Mapped[Project] = relationship()
