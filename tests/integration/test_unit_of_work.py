"""One unit of work per use case: a use case that fails after its engine step leaves neither
domain rows nor engine state behind; a concurrent update runs the whole use case again."""

import pytest
from sqlalchemy import func, select

import engine
from domain.access import load_actor
from domain.model import Project, User
from domain.payroll.model import Compilation, WageBatch
from engine.models import HumanTask, ProcessInstance
from services import payroll
from services.uow import UnitOfWork, use_case


def counts(session):
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(t))
                 for t in (WageBatch, Compilation, ProcessInstance, HumanTask))  # fmt: skip


def gc_pm(session):
    return load_actor(session, session.scalar(select(User).where(User.username == "gc_pm")))


def test_a_use_case_failing_after_its_engine_step_leaves_nothing(app, session):
    from web.runtime import uow

    session.get(Project, 1).settlement_day = 25
    session.commit()
    before = counts(session)

    @use_case
    def create_then_fail(uow: UnitOfWork):
        payroll.create_batch(uow, gc_pm(uow.session), 1, "2026-11")  # domain rows + instance
        assert counts_in(uow.session)[2] == before[2] + 1  # the engine step happened
        raise RuntimeError("crash after the engine step")

    def counts_in(s):
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (WageBatch, Compilation, ProcessInstance, HumanTask))  # fmt: skip

    with pytest.raises(RuntimeError):
        create_then_fail(uow())
    assert counts(session) == before
    payroll.create_batch(uow(), gc_pm(session), 1, "2026-11")  # and it works when it does not fail
    assert counts(session)[0] == before[0] + 1


def test_a_concurrent_update_runs_the_whole_use_case_again(app, session):
    from web.runtime import uow

    runs = []

    @use_case
    def flaky(uow: UnitOfWork):
        runs.append(1)
        if len(runs) < 3:
            raise engine.ConcurrentUpdate("changed")
        return "done"

    assert flaky(uow()) == "done" and len(runs) == 3


def test_a_use_case_inside_another_joins_its_unit_of_work(app, session):
    from web.runtime import uow

    commits = []
    work = uow()
    original = work.session.commit

    @use_case
    def inner(uow: UnitOfWork):
        return uow.active

    @use_case
    def outer(uow: UnitOfWork):
        return inner(uow)

    work.session.commit = lambda: (commits.append(1), original())[1]
    try:
        assert outer(work) is True
    finally:
        work.session.commit = original
    assert commits == [1]
