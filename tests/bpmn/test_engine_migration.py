"""Migration of running instances (issue 12 item 6): a dry run lists what would move and
what cannot; the move keeps the open task (its id, now with the new name) and runs on the
new version; an instance whose active task is not in the target stays where it is."""

import pytest
from engine_helpers import DIAGRAMS, ROLES, complete, open_tasks, tx

import engine
from engine.migration import MigrationRefused, migrate_instance, plan_migration
from engine.models import InstanceAction

V1 = (DIAGRAMS / "migrate_me.bpmn").read_text()
V2 = (
    V1.replace('name="First"', 'name="First v2"')
    .replace('<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="last" />',
             '<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="middle" />'
             '<bpmn:userTask id="middle" name="Middle" />'
             '<bpmn:sequenceFlow id="f2b" sourceRef="middle" targetRef="last" />')
    .replace("<!--LANE-->", "<bpmn:flowNodeRef>middle</bpmn:flowNodeRef>")
)  # fmt: skip
V3 = (
    V1.replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />', "")
    .replace('<bpmn:userTask id="first" name="First" />', "")
    .replace('<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="last" />',
             '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="last" />')
    .replace("<bpmn:flowNodeRef>first</bpmn:flowNodeRef>", "")
)  # fmt: skip


def _bpmn_ids(es, instance):
    es.rollback()
    return [t.bpmn_id for t in open_tasks(es) if t.instance_id == instance]


def test_a_dry_run_then_the_move_to_a_newer_version(es):
    tx.deploy(es, V1, known_roles=ROLES)
    instance = tx.start_instance(es, "migrate_me")
    [before] = [t for t in open_tasks(es) if t.instance_id == instance]
    tx.deploy(es, V2, known_roles=ROLES)
    plan = plan_migration(es, instance, 2)
    assert plan.possible and [m["bpmn_id"] for m in plan.moves] == ["first"] and not plan.blocked
    assert plan.changed == ["first"]  # its name changed
    es.rollback()
    assert engine.describe_instance(es, instance)["definition_id"] != plan.to_definition_id
    migrate_instance(es, instance, 2, by="admin", reason="新增中间审核")
    es.commit()
    [after] = [t for t in open_tasks(es) if t.instance_id == instance]
    assert (after.id, after.name) == (before.id, "First v2")  # the same row, the new name
    complete(es, after)
    assert _bpmn_ids(es, instance) == ["middle"]  # runs on version 2
    action = es.query(InstanceAction).filter_by(instance_id=instance, action="migrate").one()
    assert action.by == "admin" and action.reason == "v1 → v2: 新增中间审核"


def test_an_instance_whose_active_task_is_not_in_the_target_cannot_move(es):
    tx.deploy(es, V1, known_roles=ROLES)
    instance = tx.start_instance(es, "migrate_me")
    tx.deploy(es, V3, known_roles=ROLES)
    plan = plan_migration(es, instance, 2)
    assert not plan.possible
    assert plan.blocked == [{"bpmn_id": "first", "name": "First", "state": "READY",
                             "reason": "not in version 2"}]  # fmt: skip
    with pytest.raises(MigrationRefused):
        migrate_instance(es, instance, 2, by="admin")
    es.rollback()
    assert _bpmn_ids(es, instance) == ["first"]
    assert plan_migration(es, instance, 1).reason == "version 1 is not newer than version 1"
    assert plan_migration(es, instance, 9).reason == "version 9 of 'migrate_me' is not deployed"
