"""The action map (domain.roles.ACTIONS) and ``Actor.may``: who may do what, in which scope."""

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from domain import roles
from domain.access import Actor, Grant
from domain.errors import AccessDenied
from domain.roles import (
    GC_ENTERPRISE,
    GC_MANAGER,
    GC_OPERATOR,
    PROCESS_ADMIN,
    SIGNIN_OFFICER,
    SUB_MANAGER,
    SUB_OPERATOR,
    WORKER,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACTOR = {GC_MANAGER, GC_OPERATOR, SUB_MANAGER, SUB_OPERATOR}
VIEWERS = CONTRACTOR | {GC_ENTERPRISE}

# The whole map, written out: a change to who may do something shows up here.
EXPECTED = {
    "list_projects": VIEWERS | {PROCESS_ADMIN},
    "view_all_projects": {PROCESS_ADMIN},
    "view_project": VIEWERS,
    "accept_workers": CONTRACTOR,
    "register_worker": CONTRACTOR,
    "view_roster": CONTRACTOR,
    "record_contract": CONTRACTOR,
    "manage_teams": CONTRACTOR,
    "dispatch_workers": CONTRACTOR,
    "record_entry_exit": {GC_MANAGER, GC_OPERATOR},
    "authorise_officers": {GC_MANAGER},
    "view_audit": {GC_MANAGER},
    "view_warnings": {GC_MANAGER, SUB_MANAGER},  # 预警: each manager for what he may see
    "lift_lockout": {GC_MANAGER, PROCESS_ADMIN},
    "edit_notice_board": {GC_MANAGER},
    "view_notice_board": VIEWERS,
    "view_attendance": VIEWERS,
    "set_signin_point": {GC_MANAGER},
    "sign_in": {WORKER},
    "request_makeup": {WORKER},
    "scan_as_officer": {SIGNIN_OFFICER},
    "set_settlement_day": {GC_MANAGER},
    "set_line_confirmation": {GC_MANAGER},
    "set_trade_rates": {GC_MANAGER},
    "view_compile": CONTRACTOR,
    "create_batch": {GC_MANAGER},
    "review_sub": {SUB_MANAGER},
    "review_gc": {GC_MANAGER},
    "view_batches": VIEWERS,
    "generate_summary": {GC_MANAGER},
    "push_bank": {GC_MANAGER, GC_OPERATOR},
    "sign_pm": {GC_MANAGER},
    "sign_enterprise": {GC_ENTERPRISE},
    "view_payments": {GC_MANAGER, GC_OPERATOR, GC_ENTERPRISE},
    "view_summary": {GC_MANAGER, GC_OPERATOR, GC_ENTERPRISE},
    "export_bank_file": {GC_MANAGER, GC_OPERATOR},
    "correct_lines": {GC_MANAGER, GC_OPERATOR},
    "view_ledger": VIEWERS,
    "view_my_wages": {WORKER},
    "manage_processes": {PROCESS_ADMIN},
    "manage_trust": {PROCESS_ADMIN},
}
# Actions of a unit: (roles on the GC's own unit, roles on a subcontractor's unit).
EXPECTED_BY_SIDE = {
    "compile_unit": ({GC_OPERATOR, GC_MANAGER}, {SUB_OPERATOR}),
    "view_unit_table": ({GC_MANAGER, GC_OPERATOR, GC_ENTERPRISE}, VIEWERS),
}
GC_UNIT = SimpleNamespace(id=1, is_gc_own=True)
SUB_UNIT = SimpleNamespace(id=2, is_gc_own=False)
OTHER_SUB_UNIT = SimpleNamespace(id=3, is_gc_own=False)


def actor(role: str, project_id: int | None = 1, unit_id: int | None = None) -> Actor:
    return Actor(1, "测试", None, (Grant(role, project_id, unit_id),))


def test_the_map_is_as_written():
    assert set(roles.ACTIONS) == set(EXPECTED) | set(EXPECTED_BY_SIDE)
    for action, expected in EXPECTED.items():
        assert set(roles.allowed(action)) == expected, action
    for action, (gc_own, sub) in EXPECTED_BY_SIDE.items():
        assert set(roles.allowed(action, GC_UNIT)) == gc_own, action
        assert set(roles.allowed(action, SUB_UNIT)) == sub, action
        assert set(roles.allowed(action)) == gc_own | sub, action  # "on some unit"


def test_every_action_names_known_roles_only_once():
    for action in roles.ACTIONS:
        for unit in (GC_UNIT, SUB_UNIT):
            allowed = roles.allowed(action, unit)
            assert set(allowed) <= set(roles.ALL), action
            assert len(allowed) == len(set(allowed)), action


def test_named_sets():
    assert roles.CONTRACTOR == (GC_MANAGER, GC_OPERATOR, SUB_MANAGER, SUB_OPERATOR)
    assert set(roles.PROJECT_VIEWERS) == VIEWERS
    assert set(roles.STAFF) == set(roles.ALL) - {WORKER, SIGNIN_OFFICER}
    assert set(roles.OPERATORS) == {GC_OPERATOR, SUB_OPERATOR}
    assert set(roles.MANAGERS) == {GC_MANAGER, SUB_MANAGER}


def test_a_unit_action_needs_the_unit_not_its_id():
    with pytest.raises(TypeError, match="compile_unit"):
        roles.allowed("compile_unit", 2)
    assert roles.allowed("review_sub", 2) == (SUB_MANAGER,)  # not a unit action: an id is fine


def test_unknown_action_is_an_error():
    with pytest.raises(KeyError):
        actor(GC_MANAGER).may("approve_everything", 1)


def test_may_follows_the_project_and_unit_of_the_grant():
    gc_pm = actor(GC_MANAGER, 1)
    assert gc_pm.may("create_batch", 1) and not gc_pm.may("create_batch", 2)
    assert gc_pm.may("create_batch")  # on some project (the menus)
    sub_pm = actor(SUB_MANAGER, 1, unit_id=2)
    assert sub_pm.may("review_sub", 1, 2) and not sub_pm.may("review_sub", 1, 3)
    assert not sub_pm.may("review_gc", 1)


def test_compile_unit_is_the_operator_of_that_side_or_the_gc_manager_for_his_own_unit():
    gc_op, sub_op = actor(GC_OPERATOR), actor(SUB_OPERATOR, 1, unit_id=2)
    assert gc_op.may("compile_unit", 1, GC_UNIT)
    assert not gc_op.may("compile_unit", 1, SUB_UNIT)
    assert sub_op.may("compile_unit", 1, SUB_UNIT)
    assert not sub_op.may("compile_unit", 1, OTHER_SUB_UNIT)
    assert not sub_op.may("compile_unit", 1, GC_UNIT)
    gc_pm = actor(GC_MANAGER)
    assert gc_pm.may("compile_unit", 1, GC_UNIT)  # 新增编制 from the PM's account
    assert not gc_pm.may("compile_unit", 1, SUB_UNIT)  # a subcontractor compiles his own


def test_a_subcontractor_does_not_see_the_gc_units_table():
    assert not actor(SUB_MANAGER, 1, unit_id=2).may("view_unit_table", 1, GC_UNIT)
    assert actor(GC_ENTERPRISE).may("view_unit_table", 1, SUB_UNIT)


def test_must_refuses_with_access_denied():
    actor(GC_MANAGER).must("view_audit", 1)
    with pytest.raises(AccessDenied):
        actor(GC_OPERATOR).must("view_audit", 1)


def test_actions_of_each_role_on_a_project():
    assert actor(GC_OPERATOR).actions(1) == {
        "list_projects", "view_project", "accept_workers", "register_worker",
        "view_roster", "record_contract", "manage_teams", "dispatch_workers",
        "record_entry_exit", "view_attendance", "view_compile", "compile_unit", "view_unit_table", "view_batches",
        "push_bank", "view_payments", "view_summary", "export_bank_file", "correct_lines",
        "view_notice_board", "view_ledger",
    }  # fmt: skip
    assert actor(GC_OPERATOR).actions(1, SUB_UNIT) == actor(GC_OPERATOR).actions(1) - {
        "compile_unit"
    }
    assert actor(WORKER).actions(1) == {"sign_in", "request_makeup", "view_my_wages"}
    assert actor(GC_ENTERPRISE).actions(2) == set()  # its grant is on project 1
    assert actor(PROCESS_ADMIN, None).actions() == {
        "list_projects", "view_all_projects", "manage_processes", "manage_trust", "lift_lockout",
    }  # fmt: skip


def test_project_ids_of_an_action():
    both = Actor(1, "w", 7, (Grant(WORKER, 1, 2), Grant(SIGNIN_OFFICER, 3)))
    assert both.project_ids() == {1, 3}
    assert both.project_ids("sign_in") == {1}
    assert both.project_ids("scan_as_officer") == {3}


TEMPLATES = sorted((ROOT / "web" / "templates").rglob("*.html"))
ROLE_CODE = re.compile("|".join(rf"['\"]{code}['\"]" for code in roles.ALL))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_ask_for_actions_not_roles(path):
    text = path.read_text()
    assert "actor.can(" not in text
    for line in text.splitlines():
        if ROLE_CODE.search(line):
            # a form may post a post's code (项目角色授权管理): that is data, not a permission
            assert re.search(r'name="post" value="', line), line
    for name in re.findall(r"actor\.may\(\s*'([a-z_]+)'", text):
        assert name in roles.ACTIONS, name


# bench/engine.py measures the generic engine alone (no domain): its lane name is just a string.
NOT_THE_APPS = {ROOT / "domain" / "roles.py", ROOT / "bench" / "engine.py"}


def _python_files():
    for package in ("domain", "web", "connectors", "bench", "tools"):
        yield from (p for p in sorted((ROOT / package).rglob("*.py")) if p not in NOT_THE_APPS)


def test_role_sets_and_codes_are_written_only_in_roles_py():
    """No tuple of two or more role constants, no role code as a string, outside roles.py."""
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                members = [
                    e for e in node.elts
                    if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name)
                    and e.value.id == "roles" and e.attr.isupper()
                ]  # fmt: skip
                if len(members) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Constant) and node.value in roles.ALL:
                if node.value != WORKER:  # "worker" is also an ordinary word (engine worker)
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not found
