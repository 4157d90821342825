"""The application layer inside the app: this app's wiring, a unit of work per request, and the
background work of a serving process (job executor and scheduler).

The wiring is built once by ``create_app`` (``services.wiring.build_wiring``) on the app's own
session factory; views take ``uow()`` and call one use case with it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from socket import gethostname

from flask import Flask, current_app, url_for
from sqlalchemy.orm import sessionmaker

import engine
from engine import node as engine_node
from engine import settings as engine_settings
from engine.scheduler import EngineScheduler, install_job_poller
from services.uow import UnitOfWork
from services.wiring import Wiring, build_wiring
from web.extensions import db
from web.settings import ROOT

log = logging.getLogger(__name__)
BPMN_DIR = ROOT / "bpmn"
EXTENSION = "zhuxin"


def init_wiring(app: Flask) -> Wiring:
    """Build the app's wiring on a session factory bound to the app's engine (with its pragmas)."""
    with app.app_context():
        factory = sessionmaker(bind=db.engine, expire_on_commit=False)
    app.extensions[EXTENSION] = built = build_wiring(app.config, factory)
    return built


def wiring(app: Flask | None = None) -> Wiring:
    return (app or current_app).extensions[EXTENSION]


def uow() -> UnitOfWork:
    """A unit of work on the request's session."""
    return wiring().unit_of_work(db.session)


def task_url(item) -> str:
    """The page where an inbox item is done: its handler's own page, else the generic one."""
    endpoint = wiring().task_handlers.page_of(item.process_id, item.bpmn_id) or "inbox.task"
    return url_for(endpoint, human_task_id=item.id)


def start_background(app: Flask) -> None:
    """The job executor thread and the scheduler with the wired steps (once per process)."""
    if not app.config.get("ZHUXIN_BACKGROUND") or app.extensions.get("zhuxin_background"):
        return
    app.extensions["zhuxin_background"] = True
    start_node(app)
    wired = wiring(app)
    engine.JobExecutor(wired.session_factory, wired.connectors).start()
    with app.app_context():
        scheduler = EngineScheduler(db.engine)
    install_job_poller(scheduler, wired.session_factory, wired.connectors, seconds=30)
    for name, step in wired.scheduled_steps.items():
        scheduler.register_step(name, _runner(wired, step.run), seconds=step.seconds,
                                cron=step.cron)  # fmt: skip
    scheduler.start()
    app.extensions["zhuxin_scheduler"] = scheduler


def start_node(app: Flask) -> str:
    """Take this process's node slot and reclaim the claims its dead predecessor held."""
    engine_settings.configure(lease_seconds=int(app.config["ZHUXIN_JOB_LEASE_SECONDS"]))
    node = app.config.get("ZHUXIN_NODE_ID") or re.sub(r"[^A-Za-z0-9._-]", "-", gethostname())
    with wiring(app).session_factory() as session:
        identity = engine_node.start_node(session, node, Path(app.config["ZHUXIN_NODE_DIR"]))
    log.info("engine node %s", identity)
    return identity


def _runner(wired: Wiring, run):
    def step():
        with wired.session_factory() as session:
            return run(wired.unit_of_work(session))

    return step
