"""Every route × every demo role: who is allowed. A new route without an entry fails the test.

Ids refer to the deterministic demo data (domain/demo.py): project 1; units 1 (GC's own),
2 (subcontractor A), 3 (subcontractor B); assignments 1–14 unit 1, 15–40 unit 2, 41–60 unit 3
(the last three of each unit still *assigned*); authorisation 1 = the demo sign-in officer.
"""

GC = {"gc_pm", "gc_op"}
SUB_A = {"suba_pm", "suba_op"}
SUB_B = {"subb_pm", "subb_op"}
CONTRACTORS = GC | SUB_A | SUB_B
EVERYONE = {
    "gc_pm",
    "gc_op",
    "suba_pm",
    "suba_op",
    "subb_pm",
    "subb_op",
    "gc_ent",
    "admin",
    "worker",
    "officer",
}
PUBLIC = "public"  # also allowed for anonymous visitors
PERSONS = {"worker", "officer"}  # logins of construction workers (the officer is one too)
VIEWERS = CONTRACTORS | {"gc_ent"}

# endpoint: (method, url, allowed users, form data)
ROUTES: dict[str, tuple[str, str, set[str] | str, dict]] = {
    "static": ("GET", "/static/app.css", PUBLIC, {}),
    "auth.login": ("GET", "/login", PUBLIC, {}),
    "auth.activate": ("GET", "/activate", PUBLIC, {}),
    "auth.set_language": ("GET", "/lang/en", PUBLIC, {}),
    "auth.favicon": ("GET", "/favicon.ico", PUBLIC, {}),
    "auth.logout": ("POST", "/logout", EVERYONE, {}),
    "auth.change_password": ("GET", "/password", EVERYONE, {}),
    "auth.lockouts": ("GET", "/lockouts", {"gc_pm", "admin"}, {}),
    "auth.lockout_lift": ("POST", "/lockouts/999/lift", {"gc_pm", "admin"}, {}),
    "auth.me": ("GET", "/me", EVERYONE, {}),
    "project.index": ("GET", "/", EVERYONE, {}),
    "project.home": ("GET", "/projects/1", CONTRACTORS | {"gc_ent"}, {}),
    "project.acceptance": ("GET", "/projects/1/acceptance", CONTRACTORS, {}),
    "project.acceptance_accept": (
        "POST",
        "/projects/1/acceptance/accept",
        GC | SUB_B,
        {"ids": "58"},
    ),
    "project.acceptance_reject": (
        "POST",
        "/projects/1/acceptance/39/reject",
        GC | SUB_A,
        {"reason": "资料不全"},
    ),
    "project.worker_new": ("GET", "/projects/1/workers/new", CONTRACTORS, {}),
    "project.worker_account": ("GET", "/projects/1/assignments/20/account", GC | SUB_A, {}),
    "project.worker_code_new": (
        "POST", "/projects/1/assignments/20/activation-code", GC | SUB_A, {},
    ),  # fmt: skip
    "project.worker_photo_set": ("POST", "/projects/1/assignments/20/photo", GC | SUB_A, {}),
    "project.person_photo": (
        "GET", "/projects/1/people/20/photo.jpg", GC | SUB_A | {"gc_ent", "officer"}, {},
    ),  # fmt: skip
    # 花名册 (domain/roster): contract 39 is assignment 39's (unit 2); teams 3, 4 are unit 2's,
    # 5, 6 unit 3's; assignment 58 (unit 3) is still assigned, 41 (unit 3) accepted and entered.
    "project.roster_list": ("GET", "/projects/1/roster", CONTRACTORS, {}),
    "project.platform_sync": ("GET", "/projects/1/platform", GC, {}),
    "project.platform_resend": ("POST", "/projects/1/platform/999/resend", GC, {}),
    "project.roster_dispatch": (
        "POST", "/projects/1/roster/dispatch", GC | SUB_B, {"ids": "58", "team_id": "6"},
    ),
    "project.roster_entry": ("POST", "/projects/1/roster/entry", GC, {"ids": "41", "day": ""}),
    "project.roster_exit": ("POST", "/projects/1/roster/exit", GC, {"ids": "41", "day": ""}),
    "project.teams_page": ("GET", "/projects/1/teams", CONTRACTORS, {}),
    "project.team_update": (
        "POST", "/projects/1/teams/3", GC | SUB_A, {"name": "钢筋一班", "leader_person_id": ""},
    ),
    "project.worker_contract": ("GET", "/projects/1/workers/39/contract", GC | SUB_A, {}),
    "project.contract_download": ("GET", "/projects/1/contracts/39/file", GC | SUB_A, {}),
    "project.authorisations": ("GET", "/projects/1/authorisations", {"gc_pm"}, {}),
    "project.authorisation_add": (
        "POST",
        "/projects/1/authorisations",
        {"gc_pm"},
        {"person_id": "2"},
    ),
    "project.authorisation_revoke": ("POST", "/projects/1/authorisations/1/revoke", {"gc_pm"}, {}),
    "project.audit": ("GET", "/projects/1/audit", {"gc_pm"}, {}),
    "project.warnings_all": ("GET", "/warnings", {"gc_pm", "suba_pm", "subb_pm"}, {}),
    "project.warnings_page": ("GET", "/projects/1/warnings", {"gc_pm", "suba_pm", "subb_pm"}, {}),
    "project.audit_export": ("GET", "/projects/1/audit.xlsx", {"gc_pm"}, {}),
    "project.audit_export_csv": ("GET", "/projects/1/audit.csv", {"gc_pm"}, {}),
    "project.notice_board_edit": ("GET", "/projects/1/notice-board", {"gc_pm"}, {}),
    "project.notice_board_pdf": ("GET", "/projects/1/notice-board.pdf", VIEWERS, {}),
    "project.api_assignments": ("GET", "/api/projects/1/assignments", CONTRACTORS, {}),
    # Inbox: any logged-in user; the task itself is checked against the task's role and scope.
    "inbox.inbox": ("GET", "/inbox", EVERYONE, {}),
    "inbox.messages": ("GET", "/messages", EVERYONE, {}),
    "inbox.message_read": ("POST", "/messages/999999/read", EVERYONE, {}),
    "inbox.messages_read_all": ("POST", "/messages/read-all", EVERYONE, {}),
    "inbox.task": ("GET", "/tasks/999", EVERYONE, {}),
    "inbox.api_tasks": ("GET", "/api/tasks", EVERYONE, {}),
    "inbox.api_task_complete": ("POST", "/api/tasks/999/complete", EVERYONE, {}),
    "inbox.processes": ("GET", "/admin/processes", {"admin"}, {}),
    "inbox.process_deploy": ("POST", "/admin/processes/deploy", {"admin"}, {}),
    "inbox.process_editor": ("GET", "/admin/processes/1/editor", {"admin"}, {}),
    "inbox.instance": ("GET", "/admin/instances/999", {"admin"}, {}),
    "inbox.incidents": ("GET", "/admin/incidents", {"admin"}, {}),
    "inbox.instance_control": ("POST", "/admin/instances/999/suspend", {"admin"}, {}),
    "inbox.api_task": ("GET", "/api/tasks/999", EVERYONE, {}),
    "inbox.api_instances": ("GET", "/api/instances", {"admin"}, {}),
    "inbox.api_instance": ("GET", "/api/instances/999", {"admin"}, {}),
    "inbox.api_instance_control": ("POST", "/api/instances/999/resume", {"admin"}, {}),
    "inbox.instance_migrate": ("POST", "/admin/instances/999/migrate", {"admin"}, {}),
    "inbox.api_instance_migrate": ("POST", "/api/instances/999/migrate", {"admin"}, {}),
    "inbox.api_definitions": ("GET", "/api/definitions", {"admin"}, {}),
    "inbox.api_definitions_validate": ("POST", "/api/definitions/validate", {"admin"}, {}),
    "inbox.api_definitions_deploy": ("POST", "/api/definitions", {"admin"}, {}),
    "inbox.api_connectors": ("GET", "/api/connectors", {"admin"}, {}),
    "inbox.api_roles": ("GET", "/api/roles", {"admin"}, {}),
    "inbox.incident_retry": ("POST", "/admin/incidents/999/retry", {"admin"}, {}),
    "inbox.certificates": ("GET", "/admin/certificates", {"admin"}, {}),
    "inbox.certificate_register": ("POST", "/admin/certificates", {"admin"}, {}),
    "inbox.certificate_revoke": ("POST", "/admin/certificates/999/revoke", {"admin"}, {}),
    # Pre-shift sign-in (班前签到): persons show codes and scan; contractors see attendance.
    **{
        f"signin.{name}": entry
        for name, entry in {
            "code_show": ("GET", "/signin/code", PERSONS, {}),
            "code_fragment": ("GET", "/signin/code/fragment", PERSONS, {}),
            "scan_show": ("GET", "/signin/scan", PERSONS, {}),
            "my_attendance": ("GET", "/signin/my", PERSONS, {}),
            "makeup_request": ("GET", "/signin/makeup", PERSONS, {}),
            "makeup_task": ("GET", "/signin/makeup/tasks/999", EVERYONE, {}),
            "officer_projects": ("GET", "/signin/officer", {"officer"}, {}),
            "officer_scan": ("GET", "/signin/officer/projects/1", {"officer"}, {}),
            "point_edit": ("GET", "/projects/1/signin/point", {"gc_pm"}, {}),
            "attendance_list": ("GET", "/projects/1/signin/attendance", VIEWERS, {}),
            "attendance_export": ("GET", "/projects/1/signin/attendance.xlsx", VIEWERS, {}),
            "attendance_export_csv": ("GET", "/projects/1/signin/attendance.csv", VIEWERS, {}),
            "attendance_chart": ("GET", "/projects/1/signin/chart", VIEWERS, {}),
            "api_code": ("GET", "/api/signin/code", PERSONS, {}),
            "api_ranges": ("GET", "/api/signin/ranges", PERSONS, {}),
            "api_worker_scan": ("POST", "/api/signin/worker-scan", PERSONS, {"code": "x"}),
            "api_officer_scan": (
                "POST",
                "/api/signin/projects/1/officer-scan",
                {"officer"},
                {"code": "x"},
            ),
            "api_point_test": ("GET", "/api/signin/projects/1/point-test", {"gc_pm"}, {}),
            "api_point_set": (
                "POST",
                "/api/signin/projects/1/point",
                {"gc_pm"},
                {"lng": "121.46558", "lat": "31.189384"},
            ),
            "api_attendance": ("GET", "/api/signin/projects/1/attendance", VIEWERS, {}),
            "api_my_attendance": ("GET", "/api/signin/me/attendance", PERSONS, {}),
        }.items()
    },
    "api.openapi": ("GET", "/api/openapi.json", PUBLIC, {}),
    "api.ping": ("GET", "/api/ping", PUBLIC, {}),
}

from tests.web.route_matrix_payroll import PAYROLL_ROUTES  # noqa: E402

ROUTES.update(PAYROLL_ROUTES)
