"""Tables of real-name management: enterprises, projects, units, people, assignments, users."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.masking import Masked
from domain.personal_data import HASH_LENGTH, Encrypted, PersonalHashes, digest


class Enterprise(Base):
    """A general contractor (施工总包) or subcontractor (分包) with its credit code."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "general" | "sub"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (CheckConstraint("kind in ('general', 'sub')", name="kind"),)


class Project(Base):
    """A construction project with its wage special account (工资专用账户) and sign-in point."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    gc_enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    wage_bank_name: Mapped[str] = mapped_column(String(100))
    wage_account_no: Mapped[str] = mapped_column(String(40))
    wage_bank_cnaps: Mapped[str] = mapped_column(String(12))
    # Sign-in point, stored in WGS-84 (GPS); None until the GC manager sets it.
    signin_lat: Mapped[float | None] = mapped_column(Float)
    signin_lng: Mapped[float | None] = mapped_column(Float)
    # the point as the manager typed it (e.g. GCJ-02 from AMap), shown beside the WGS-84
    signin_typed_lat: Mapped[float | None] = mapped_column(Float)
    signin_typed_lng: Mapped[float | None] = mapped_column(Float)
    signin_typed_system: Mapped[str | None] = mapped_column(String(5))
    signin_radius_m: Mapped[int] = mapped_column(Integer, default=300)
    signin_start: Mapped[str] = mapped_column(String(5), default="04:00")
    signin_end: Mapped[str] = mapped_column(String(5), default="12:00")
    # 月工资结算日期: 1–28, 0 = month end, None = not set yet.
    settlement_day: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    general_contractor: Mapped[Enterprise] = relationship()
    units: Mapped[list["Unit"]] = relationship(back_populates="project", order_by="Unit.id")


class Unit(Base):
    """A subcontracting unit on a project (the GC's own workers form a unit too)."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    name: Mapped[str] = mapped_column(String(200))
    is_gc_own: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("project_id", "enterprise_id"),)

    project: Mapped[Project] = relationship(back_populates="units")
    enterprise: Mapped[Enterprise] = relationship()


class Person(Base, Masked, PersonalHashes):
    """A construction worker (建筑工人) under real-name management.  ID number, phone and card
    are stored encrypted (``domain/personal_data.py``); searched by their keyed hashes."""

    __tablename__ = "person"
    __hashed__ = {"id_number": "id_number_hash", "phone": "phone_hash", "bank_card": "bank_card_hash"}  # fmt: skip
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str] = mapped_column(Encrypted)
    id_number_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True)
    phone: Mapped[str] = mapped_column(Encrypted)
    phone_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), index=True)
    trade: Mapped[str] = mapped_column(String(30))  # 工种
    bank_card: Mapped[str] = mapped_column(Encrypted)
    bank_card_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), index=True)
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_cnaps: Mapped[str] = mapped_column(String(12))
    # 身份证有效期至: None = not recorded (registered before it was asked), 9999-12-31 = 长期.
    id_valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @classmethod
    def id_number_is(cls, value: str):
        return cls.id_number_hash == digest(value)

    @classmethod
    def phone_is(cls, value: str):
        return cls.phone_hash == digest(value)

    @classmethod
    def bank_card_is(cls, value: str):
        return cls.bank_card_hash == digest(value)

    @classmethod
    def bank_card_in(cls, values):
        return cls.bank_card_hash.in_([digest(v) for v in values])

    @classmethod
    def phone_in(cls, values):
        return cls.phone_hash.in_([digest(v) for v in values])


class PersonPhoto(Base):
    """The worker's photo (sensitive personal data): a re-encoded JPEG without EXIF, at most
    ``domain.photos.MAX_SIDE`` px, shown to the sign-in officer next to the scanned name."""

    __tablename__ = "person_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


ASSIGNMENT_STATES = ("assigned", "accepted", "rejected")


class Assignment(Base):
    """A worker assigned to a project and unit: assigned → accepted | rejected (项目人员接收)."""

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="assigned")
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(String(300))
    # The roster (domain/roster): the team dispatched to (派工), and the current stint on site
    # as the general contractor recorded it (进场 / 退场; the history is ``entry_exit``).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    entered_on: Mapped[date | None] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        UniqueConstraint("person_id", "project_id"),
        CheckConstraint("state in ('assigned', 'accepted', 'rejected')", name="state"),
    )

    person: Mapped[Person] = relationship()
    unit: Mapped[Unit] = relationship()
    project: Mapped[Project] = relationship()


class User(Base, PersonalHashes):
    """A login: staff of an enterprise, or a worker (linked to a person)."""

    __tablename__ = "user"
    __hashed__ = {"phone": "phone_hash"}
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    phone: Mapped[str | None] = mapped_column(Encrypted)  # personal data: encrypted, see Person
    phone_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), unique=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised by logout and a new password: a session of an older version is over.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grants: Mapped[list["RoleGrant"]] = relationship(back_populates="user")
    person: Mapped[Person | None] = relationship()

    @classmethod
    def phone_is(cls, value: str):
        return cls.phone_hash == digest(value)


class ActivationCode(Base):
    """A one-time code with which a worker sets his first password (首次登录/激活): only its
    hash is kept; it is used once, expires, and a few wrong tries void it."""

    __tablename__ = "activation_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)


class RoleGrant(Base):
    """A role held by a user on a project (and for one unit), for an enterprise, or globally."""

    __tablename__ = "role_grant"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    __table_args__ = (
        UniqueConstraint("user_id", "role", "project_id", "unit_id", "enterprise_id"),
    )

    user: Mapped[User] = relationship(back_populates="grants")


class Authorisation(Base):
    """A post (班前签到员) given to an accepted worker on a project (项目角色授权管理)."""

    __tablename__ = "authorisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    post: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()
    project: Mapped[Project] = relationship()


class AuditEntry(Base):
    """Append-only record of a change: who, what, when, before and after (JSON)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # The hash chain (domain/audit.py): SHA-256 of the previous entry's hash and this entry.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


class NoticeBoard(Base):
    """What the rights notice board (维权信息告示牌, 条例 Art. 34) says beyond the project's
    own rows: the client, the 劳资专管员, the project office and the channels of complaint."""

    __tablename__ = "notice_board"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    client_name: Mapped[str] = mapped_column(String(200), default="")  # 建设单位
    office_address: Mapped[str] = mapped_column(String(300), default="")  # 项目部地址
    office_phone: Mapped[str] = mapped_column(String(20), default="")
    wage_officer_name: Mapped[str] = mapped_column(String(50), default="")  # 劳资专管员
    wage_officer_phone: Mapped[str] = mapped_column(String(20), default="")
    regulator_name: Mapped[str] = mapped_column(String(100), default="")  # 行业主管部门
    regulator_phone: Mapped[str] = mapped_column(String(20), default="")
    inspection_name: Mapped[str] = mapped_column(String(100), default="")  # 劳动保障监察
    inspection_phone: Mapped[str] = mapped_column(String(20), default="")
    arbitration_name: Mapped[str] = mapped_column(String(100), default="")  # 劳动人事争议仲裁
    arbitration_phone: Mapped[str] = mapped_column(String(20), default="")
    legal_aid_name: Mapped[str] = mapped_column(String(100), default="")  # 法律援助
    legal_aid_phone: Mapped[str] = mapped_column(String(20), default="")
    extra_text: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
