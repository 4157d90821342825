"""Access-matrix entries of the wage payment routes (merged into ``route_matrix.ROUTES``).

Ids 999 do not exist in the demo data: an allowed user gets 404 (not a refusal), everyone
else is refused by the guard before anything is looked up.
"""

GC_PM = {"gc_pm"}
GC = {"gc_pm", "gc_op"}
CONTRACTORS = GC | {"suba_pm", "suba_op", "subb_pm", "subb_op"}
VIEWERS = CONTRACTORS | {"gc_ent"}
OPERATORS = {"gc_op", "suba_op", "subb_op"}
COMPILERS = OPERATORS | GC_PM  # the GC manager compiles the GC's own unit
MANAGERS = {"gc_pm", "suba_pm", "subb_pm"}
WORKERS = {"worker", "officer"}
EVERYONE = VIEWERS | {"admin"} | WORKERS
P = "/projects/1/payroll"
C = P + "/compilations/999"
B = P + "/batches/999"

PAYROLL_ROUTES = {
    "payroll.settlement": ("GET", P + "/settlement", GC_PM, {}),
    "payroll.compile_index": ("GET", P + "/compile", CONTRACTORS, {}),
    "payroll.trade_rates": ("GET", P + "/trade-rates", GC_PM, {}),
    "payroll.batch_create": ("POST", P + "/batches", GC_PM, {"month": ""}),
    "payroll.compilation_new": ("POST", P + "/compilations/new", COMPILERS, {"compilation_id": "999"}),
    "payroll.compilation": ("GET", C, VIEWERS, {}),
    "payroll.compilation_submit": ("POST", C + "/submit", COMPILERS, {}),
    "payroll.compilation_export": ("GET", C + "/export.xlsx", VIEWERS, {}),
    "payroll.compilation_import": ("POST", C + "/import", COMPILERS, {}),
    "payroll.compilation_review": ("POST", C + "/review", MANAGERS, {"decision": "approve"}),
    "payroll.compilation_fill_rates": ("POST", C + "/fill-rates", COMPILERS, {"source": "trade_rates"}),
    "payroll.batch_approve_units": ("POST", B + "/approve-units", MANAGERS, {"compilation_id": "999"}),
    "payroll.review_index": ("GET", P + "/review", VIEWERS, {}),
    "payroll.batch": ("GET", B, VIEWERS, {}),
    "payroll.batch_progress": ("GET", B + "/progress", VIEWERS, {}),
    "payroll.summary_generate": ("POST", B + "/summary", GC_PM, {}),
    "payroll.push_index": ("GET", P + "/push", GC, {}),
    "payroll.summary_pdf": ("GET", B + "/summary.pdf", VIEWERS, {}),
    "payroll.pm_sign": ("GET", B + "/sign", GC_PM, {}),
    "payroll.verify": ("GET", B + "/verify", VIEWERS, {}),
    "payroll.bank_csv": ("GET", B + "/daifa.csv", GC, {}),
    "payroll.bank_interface": ("GET", P + "/bank-interface", GC_PM, {}),
    "payroll.funding": ("GET", P + "/funding", GC, {}),
    "payroll.bank_file_list": ("GET", B + "/bank-files", GC, {}),
    "payroll.bank_file_download": ("GET", B + "/bank-files/999", GC, {}),
    "payroll.bank_result_upload": ("POST", B + "/bank-files/result", GC, {}),
    "payroll.correct": ("GET", B + "/correct", GC, {}),
    "payroll.task": ("GET", "/payroll/tasks/999", EVERYONE, {}),
    "payroll.reminder_task": ("GET", "/payroll/reminders/999", GC_PM, {}),
    "payroll.my_wages": ("GET", "/my/wages", WORKERS, {}),
    "payroll.my_wage_confirm": ("POST", "/my/wages/999", WORKERS, {"decision": "confirm"}),
    "payroll.my_card": ("GET", "/my/card", WORKERS, {}),
    # 工人确认 (条例 Art. 31): the operator's side; the setting is the GC manager's alone.
    "payroll.line_resolve": ("POST", P + "/lines/999/resolve", OPERATORS, {"resolution": "已核实"}),
    "payroll.line_paper_upload": ("POST", P + "/lines/999/paper", OPERATORS, {}),
    "payroll.line_paper": ("GET", P + "/lines/999/paper", VIEWERS, {}),
    "payroll.line_confirmation_setting": ("POST", P + "/line-confirmation", GC_PM,
                                          {"line_confirmation_required": "1"}),
    "payroll.dispute_task": ("GET", "/payroll/disputes/999", EVERYONE, {}),
    "payroll.my_card_decide": ("POST", "/my/card/changes/999", WORKERS, {"decision": "confirm"}),
    "payroll.ask_bank": ("POST", B + "/ask-bank", GC_PM, {}),
    "payroll.retry_step": ("POST", B + "/incidents/999/retry", GC_PM, {}),
    "enterprise.push": ("GET", "/enterprise/push", {"gc_ent"}, {}),
    "enterprise.sign": ("GET", "/enterprise/batches/999/sign", {"gc_ent"}, {}),
}  # fmt: skip
PAYROLL_ROUTES.update({
    "payroll.my_payslip": ("GET", "/my/wages/999/payslip", WORKERS, {}),
    "payroll.my_payslip_pdf": ("GET", "/my/wages/999/payslip.pdf", WORKERS, {}),
    "payroll.unit_payslips_pdf": ("GET", C + "/payslips.pdf", VIEWERS, {}),
    # A unit in the URL: a subcontractor's grant covers only his unit, so 999 is refused to him.
    "payroll.unit_voucher_pdf": ("GET", B + "/units/999/voucher.pdf", GC | {"gc_ent"}, {}),
    # 工资支付台账: every viewer; a subcontractor's ledger holds only his unit's lines.
    "payroll.ledger": ("GET", "/projects/1/ledger", VIEWERS, {}),
    "payroll.ledger_xlsx": ("GET", "/projects/1/ledger.xlsx", VIEWERS, {}),
    "payroll.ledger_pdf": ("GET", "/projects/1/ledger.pdf", VIEWERS, {}),
})  # fmt: skip
