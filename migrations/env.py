"""Alembic environment: one schema for the domain and the engine tables."""

import importlib
import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")


def target_metadata():
    """Every model module imported, so autogenerate sees all tables; an import error fails."""
    from domain.db import Base
    from engine.models import EngineBase

    for module in ("domain.model", "domain.signin.model", "domain.payroll.model",
                   "domain.roster.model", "domain.platform_sync"):
        importlib.import_module(module)
    return [Base.metadata, EngineBase.metadata]


def run_migrations_online():
    connectable = current_app.extensions["migrate"].db.engine
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata(),
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
