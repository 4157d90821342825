"""Fixtures shared by the web tests."""

import pytest

from tests.web.payroll_helpers import configure_payroll


@pytest.fixture
def payroll_app(app, tmp_path):
    """The app with a test PKI and an immediate bank poll (the wage payment tests)."""
    return configure_payroll(app, tmp_path / "pki")
