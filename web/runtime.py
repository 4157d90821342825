"""The engine inside the app: known roles, connectors, grants, deployed diagrams, background.

This is the one place where the generic engine meets the domain: lanes are the role codes of
``domain.roles``, the inbox scope keys are ``project_id``/``unit_id`` of task data, and the
connector modules listed here register their operators on the engine's registry.
"""

import hashlib
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import engine
from domain import roles
from domain.access import Actor
from engine.connectors import registry
from engine.models import ProcessDefinition
from engine.scheduler import EngineScheduler, install_job_poller
from web.background import background_starter
from web.settings import ROOT

log = logging.getLogger(__name__)
BPMN_DIR = ROOT / "bpmn"
# Modules with ``register(registry, config)`` for their service-task operators.
CONNECTOR_MODULES = ("connectors.payroll", "connectors.signin")
# Named batch steps for the scheduler: name -> (fn(app), trigger kwargs).
SCHEDULED_STEPS: dict[str, tuple[Callable[[Flask], object], dict]] = {}


def scheduled_step(name: str, **trigger):
    """Register ``fn(app)`` as a scheduler step (``seconds=`` or ``cron={...}``)."""

    def register(fn):
        SCHEDULED_STEPS[name] = (fn, trigger)
        return fn

    return register


def register_connectors(config) -> list[str]:
    for name in CONNECTOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        module.register(registry, config)
    return registry.names()


def engine_grants(actor: Actor | None) -> list[engine.Grant]:
    if actor is None:
        return []
    return [engine.Grant(g.role, g.project_id, g.unit_id) for g in actor.grants]


def deploy_changed(session: Session, directory: Path = BPMN_DIR, by: str = "setup") -> list[str]:
    """Deploy each diagram in ``bpmn/`` whose text differs from its newest deployed version."""
    deployed = []
    for path in sorted(directory.glob("*.bpmn")):
        text = path.read_text()
        digest = hashlib.sha256(text.encode()).hexdigest()
        if session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.sha256 == digest)):
            continue
        definition = engine.deploy(session, text, known_roles=roles.ALL, deployed_by=by)
        deployed.append(f"{definition.process_id} v{definition.version} ({path.name})")
    return deployed


def session_factory(app: Flask) -> Callable[[], Session]:
    with app.app_context():
        from web.extensions import db

        return sessionmaker(bind=db.engine, expire_on_commit=False)


@background_starter
def start_engine(app: Flask) -> None:
    """The job executor thread and the scheduler with its registered steps."""
    factory = session_factory(app)
    engine.JobExecutor(factory).start()
    with app.app_context():
        from web.extensions import db

        scheduler = EngineScheduler(db.engine)
    install_job_poller(scheduler, factory, seconds=30)
    for name, (fn, trigger) in SCHEDULED_STEPS.items():
        scheduler.register_step(name, _in_context(app, fn), **trigger)
    scheduler.start()
    app.extensions["zhuxin_scheduler"] = scheduler


def _in_context(app: Flask, fn):
    def run():
        with app.app_context():
            return fn(app)

    return run


def current_config():
    return current_app.config
