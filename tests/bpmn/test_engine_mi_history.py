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
    rows = instance_history(es, iid)
    kinds = [r["kind"] for r in rows if r["bpmn_id"] == "seq"]  # in the order they completed
    assert kinds == ["UserTask"] * 3 + ["SequentialMultiInstanceTask"]
    children = [r for r in rows if r["kind"] == "UserTask"]
    assert [(r["bpmn_id"], r["by"]) for r in children] == [("seq", "tester")] * 3 + [
        ("par", "tester")
    ] * 3
    assert [r["changes"]["set"]["done"] for r in children[:3]] == ["A", "B", "C"]
    assert [r["changes"]["set"]["part"] for r in children[3:]] == [0, 1, 2]
    assert len({r["task_guid"] for r in children}) == 6


def test_every_unit_of_a_multi_instance_subprocess_is_in_the_history(es, fakes):
    fakes.register("summary/RenderPdf", "notify/Remind", "bank/SubmitBatch", "bank/PollStatus")
    deploy_file(es, "sample_payroll.bpmn")
    units = [{"id": 1, "name": "S"}, {"id": 2, "name": "T"}]
    iid = tx.start_instance(es, "sample_payroll", data={"units": units, "project_id": 1,
                                                         "rejections": 0})  # fmt: skip
    for amount in ("10.00", "20.00"):
        complete(es, _first(es, "compile"),
                 {"amount": amount})  # fmt: skip
    for _ in units:  # each review ends its unit's subprocess: collect and unit_end run with it
        complete(es, _first(es, "sub_review"), user="reviewer")
    rows = [(r["bpmn_id"], r["by"]) for r in instance_history(es, iid)
            if r["bpmn_id"] in {"compile", "sub_review", "collect", "unit_end"}]  # fmt: skip
    assert sorted(rows, key=str) == sorted(
        [("compile", "tester")] * 2 + [("sub_review", "reviewer")] * 2
        + [("collect", None)] * 2 + [("unit_end", None)] * 2, key=str)  # fmt: skip


def _first(session, bpmn_id):
    return next(i for i in open_tasks(session) if i.bpmn_id == bpmn_id)
