"""Instance history of multi-instance tasks: every child a user completes is a row of its own,
with the user and the data he entered, once (not only the last child when the task ends)."""

from engine_helpers import complete, deploy_file, open_tasks, tx

from engine.history import instance_history


def test_every_multi_instance_child_is_in_the_history_once(es):
    deploy_file(es, "multi_instance.bpmn")
    iid = tx.start_instance(es, "multi_instance", data={"items": ["a", "b", "c"]})
    for expected in ["a", "b", "c"]:
        (item,) = open_tasks(es)
        complete(es, item, {"done": expected.upper()})
    for n, item in enumerate(open_tasks(es)):
        complete(es, item, {"part": n})
    children = [r for r in instance_history(es, iid) if r["kind"] == "UserTask"]
    assert [(r["bpmn_id"], r["by"]) for r in children] == [("seq", "tester")] * 3 + [
        ("par", "tester")
    ] * 3
    assert [r["changes"]["set"]["done"] for r in children[:3]] == ["A", "B", "C"]
    assert [r["changes"]["set"]["part"] for r in children[3:]] == [0, 1, 2]
    assert len({r["task_guid"] for r in children}) == 6
