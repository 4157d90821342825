"""Cost that does not grow with history (issue 12 item 9), and thrown events that do not pile
up (item 5): a loop of many rounds keeps a stored state of about the same size, its finished
tasks are in the history table instead, and it runs to its end."""

from engine_helpers import deploy_file, open_tasks, tx
from SpiffWorkflow import TaskState

import engine
from engine.history import instance_history
from engine.instances import get_instance, load_instance
from engine.pruning import PRUNE_ABOVE, prune_history
from engine.runtime import attach_engine, new_workflow
from engine.serializer import dump_state, load_specs, load_state

ROUNDS = 80  # 320 finished tasks: cut twice or more


def _tick(es, instance):
    [item] = [i for i in open_tasks(es) if i.instance_id == instance]
    tx.complete_task(es, item.id, {}, user="u", grants=[engine.Grant("gc_manager")])


def test_a_long_loop_keeps_its_state_small_and_its_history_in_the_table(es):
    deploy_file(es, "loop_ticks.bpmn")
    instance = tx.start_instance(es, "loop_ticks", data={"limit": ROUNDS}, business_key="L1")
    sizes = []
    for _ in range(1, ROUNDS):
        _tick(es, instance)  # each round throws a message nobody waits for: parked, not kept
        sizes.append(len(get_instance(es, instance).state_json))
        es.rollback()
    # The state grows until a cut and drops back (a saw): its peaks do not grow with the rounds.
    half = len(sizes) // 2
    assert max(sizes[half:]) < max(sizes[:half]) * 1.2, (max(sizes[:half]), max(sizes[half:]))
    assert len(load_instance(es, instance).tasks) < 200
    es.rollback()
    _tick(es, instance)
    es.rollback()
    info = engine.describe_instance(es, instance)
    assert info["status"] == "completed" and info["data"]["n"] == ROUNDS
    ticks = [r for r in instance_history(es, instance) if r["bpmn_id"] == "tick"]
    assert len(ticks) == ROUNDS and all(r["by"] == "u" for r in ticks)


def _loop_in_memory(es, rounds: int, threshold: int | None):
    deploy_file(es, "loop_ticks.bpmn")
    definition = engine.latest_definition(es, "loop_ticks")
    spec, subs = load_specs(definition.spec_json)
    wf = new_workflow(spec, subs, {"limit": rounds})
    wf.do_engine_steps()
    for _ in range(rounds):
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        if task is None:
            break
        task.run()
        wf.do_engine_steps()
        wf.get_events()
        if threshold is not None:
            prune_history(wf, threshold=threshold)
            wf = load_state(dump_state(wf), spec, subs)
            attach_engine(wf)
    return wf


def test_a_cut_at_every_step_changes_nothing_of_the_run(es):
    """The harshest case: cut after every step (threshold 0), with a save/load in between."""
    wf = _loop_in_memory(es, 30, threshold=0)
    assert wf.is_completed() and wf.data["n"] == 30 and len(wf.tasks) < 30


def test_a_loop_deeper_than_spiffworkflows_task_walk_runs_to_its_end(es):
    """SpiffWorkflow walks the task tree 1,000 levels deep at most: uncut, a loop of 260
    rounds (1,040 levels) looks completed after 250 with its last rounds never run."""
    uncut = _loop_in_memory(es, 260, threshold=None)
    assert uncut.is_completed() and "n" not in uncut.data  # the library's own failure
    es.rollback()
    wf = _loop_in_memory(es, 260, threshold=PRUNE_ABOVE)
    assert wf.is_completed() and wf.data["n"] == 260
