"""A page's link is shown for an action (``actor.may``) and its view is guarded by roles: both
must name the same roles, or a link would lead to a refusal (or a page would have no link)."""

import pytest

from domain import roles

# endpoint: the action its menu entry or button is shown for
LINKED = {
    "project.home": "view_project",
    "project.acceptance": "accept_workers",
    "project.worker_new": "register_worker",
    "project.roster_list": "view_roster",
    "project.teams_page": "manage_teams",
    "project.authorisations": "authorise_officers",
    "project.audit": "view_audit",
    "signin.attendance_list": "view_attendance",
    "signin.point_edit": "set_signin_point",
    "signin.scan_show": "sign_in",
    "signin.makeup_request": "request_makeup",
    "signin.officer_projects": "scan_as_officer",
    "payroll.settlement": "set_settlement_day",
    "payroll.trade_rates": "set_trade_rates",
    "payroll.compile_index": "view_compile",
    "payroll.batch_create": "create_batch",
    "payroll.compilation_new": "compile_unit",
    "payroll.review_index": "view_batches",
    "payroll.batch": "view_batches",
    "payroll.summary_generate": "generate_summary",
    "payroll.push_index": "push_bank",
    "payroll.pm_sign": "sign_pm",
    "payroll.bank_csv": "export_bank_file",
    "payroll.correct": "correct_lines",
    "payroll.my_wages": "view_my_wages",
    "enterprise.push": "sign_enterprise",
    "enterprise.sign": "sign_enterprise",
    "inbox.processes": "manage_processes",
    "inbox.certificates": "manage_trust",
}


@pytest.mark.parametrize("endpoint", sorted(LINKED))
def test_the_guard_allows_whoever_sees_the_link(app, endpoint):
    policy = app.view_functions[endpoint].access_policy
    assert set(policy.roles) == set(roles.allowed(LINKED[endpoint])), endpoint
