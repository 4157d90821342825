"""Fixtures for engine path tests on a migrated database (the suite's ``database_url``)."""

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).parent))  # engine_helpers, shared with tests/integration
from engine_helpers import REGISTRY, FakeConnectors  # noqa: E402


@pytest.fixture
def db(database_url):
    """A session factory on a freshly migrated database."""
    bind = sa.create_engine(database_url)
    yield sessionmaker(bind)
    bind.dispose()


@pytest.fixture
def es(db):
    """An engine session."""
    with db() as s:
        yield s


@pytest.fixture
def fakes():
    """Fake connectors on the engine tests' registry, emptied afterwards."""
    yield FakeConnectors(REGISTRY)
    for name in REGISTRY.names():
        REGISTRY.unregister(name)
