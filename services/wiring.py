"""The composition root (装配): everything that is registered by name is registered here, once.

``build_wiring(settings, session_factory)`` is called by the app factory, and through it by the
CLI, the job worker and the benches.  Nothing is registered at import time anywhere: a test
builds its own wiring (or replaces an entry of it) under the real names.

- connectors: the service-task operators by the id the BPMN names (``bank/SubmitBatch`` …), all
  bound to the app's session factory (so every session gets the app engine's pragmas);
- task handlers: the domain meaning of completing each user task, by process and BPMN id;
- scheduled steps: named batch steps and their triggers;
- key makers: the instance secrets ``flask zhuxin keys`` creates when they are missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from connectors import pause_points, sms
from domain.accounts import ActivationNotifier, LoggingNotifier
from domain.notifications import SmsDriver
from domain.personal_data import new_keyring
from domain.signin.makeup import decide_makeup
from domain.signin.tokens import generate_key_pair, private_key_text
from engine.connectors import ConnectorRegistry
from services import (
    bank_statements,
    confirmation,
    notifications,
    payroll,
    payroll_jobs,
    payroll_tasks,
    pki,
    platform,
    platform_jobs,
    signatures,
    signin,
)
from services.tasks import TaskHandlers
from services.uow import UnitOfWork


@dataclass(frozen=True)
class ScheduledStep:
    """A named batch step: ``run(uow)`` every ``seconds`` or on ``cron`` fields."""

    run: Callable[[UnitOfWork], object]
    seconds: float | None = None
    cron: dict | None = None


@dataclass
class Wiring:
    """The registries of one running app (or one test, or one bench)."""

    settings: Mapping[str, Any]
    session_factory: Callable[[], Session]
    connectors: ConnectorRegistry = field(default_factory=ConnectorRegistry)
    task_handlers: TaskHandlers = field(default_factory=TaskHandlers)
    scheduled_steps: dict[str, ScheduledStep] = field(default_factory=dict)
    key_makers: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    payroll: payroll_jobs.PayrollConnectors | None = None  # the bound payroll operators
    platform: platform_jobs.PlatformConnectors | None = None  # the national platform uploader
    # Where a worker's new activation code goes besides the operator's page (SMS: later).
    activation_notifier: ActivationNotifier = field(default_factory=LoggingNotifier)
    # The SMS channel of notifications (消息): the driver ZHUXIN_SMS_DRIVER names (default: log).
    sms: SmsDriver = field(default_factory=sms.LogSmsDriver)

    def unit_of_work(self, session: Session | None = None) -> UnitOfWork:
        """A unit of work on ``session`` (the request's) or on a new session of the factory."""
        return UnitOfWork(session or self.session_factory(), self, self.settings)


def build_wiring(settings: Mapping[str, Any], session_factory: Callable[[], Session]) -> Wiring:
    wiring = Wiring(settings, session_factory)
    _register_connectors(wiring)
    payroll_tasks.register(wiring.task_handlers)
    signin.register(wiring.task_handlers)
    confirmation.register(wiring.task_handlers)
    wiring.scheduled_steps["payroll.settlement_reminders"] = ScheduledStep(
        lambda uow: payroll.remind_settlement_day(uow), cron={"hour": 8, "minute": 0}
    )
    wiring.scheduled_steps["bank.statements"] = ScheduledStep(
        lambda uow: bank_statements.pull_every_project(uow), cron={"hour": 7, "minute": 30}
    )
    wiring.scheduled_steps["platform.sync"] = ScheduledStep(
        lambda uow: platform.start_uploads(uow), seconds=300
    )
    wiring.sms = sms.driver_for(settings)
    wiring.scheduled_steps["notify.deliver"] = ScheduledStep(
        notifications.deliver, seconds=float(settings.get("ZHUXIN_NOTIFY_SECONDS") or 30)
    )
    if settings.get("ZHUXIN_TEST_TICK_FILE"):  # the two-node check's observable step
        wiring.scheduled_steps["test.tick"] = ScheduledStep(
            pause_points.record_tick(settings["ZHUXIN_TEST_TICK_FILE"]),
            seconds=float(settings.get("ZHUXIN_TEST_TICK_SECONDS", 2)),
        )
    wiring.key_makers.update(
        {"secret_key": _secret_key, "signin_ed25519.pem": _signin_key, "pki": pki.make_pki,
         "pii_keys.json": _pii_keys}
    )  # fmt: skip
    return wiring


def _register_connectors(wiring: Wiring) -> None:
    factory, registry = wiring.session_factory, wiring.connectors
    wiring.payroll = payroll_jobs.register(registry, factory, wiring.settings["ZHUXIN_BANK_URL"],
                                           lambda: signatures.trust_store(wiring.settings),
                                           payroll_jobs.BankTerms.of(wiring.settings))  # fmt: skip

    wiring.platform = platform_jobs.register(
        registry, factory, lambda: platform_jobs.PlatformSettings.of(wiring.settings))

    def decide(params: dict, ctx) -> dict:
        with factory() as session:  # its own transaction: connectors run outside instance locks
            result = decide_makeup(session, int(params["request_id"]),
                                   bool(params.get("approved")), str(params.get("comment") or ""))  # fmt: skip
            session.commit()
            return result

    registry.register("signin/DecideMakeup", decide)
    if wiring.settings.get("ZHUXIN_PAUSE_AT"):  # the crash matrix's kill points (test-only)
        pause_points.install(registry, wiring.payroll, wiring.settings["ZHUXIN_PAUSE_AT"],
                             wiring.settings.get("ZHUXIN_PAUSE_MARKER", ""))  # fmt: skip


def _secret_key(path: Path) -> None:
    path.write_text(os.urandom(32).hex())


def _pii_keys(path: Path) -> None:
    # Encrypts ID, card and phone numbers at rest; see domain/personal_data.py.
    path.write_text(new_keyring().to_json())


def _signin_key(path: Path) -> None:
    # Signs the personal construction codes (个人建设码); see domain/signin/tokens.py.
    path.write_text(private_key_text(generate_key_pair()[0]))
