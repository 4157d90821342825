"""Pages of 工资支付编制 with the manual's names: 设置月工资结算日期, 工资支付表编制 (新增银行交换
批次号, 新增编制, 提交审核), 工资支付表审核 (查看详情, 编制详情, 生成汇总表), 工资支付表推送银行
(生成汇总文件, 去签署), results, verification, 代发 CSV."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import select

from connectors.bank_csv import bank_batch_csv
from domain import roles
from domain.errors import InvalidInput, NotFound
from domain.i18n import Text
from domain.paging import page_request, paginate
from domain.payroll import (
    batches,
    cards,
    compile,
    confirmation,
    documents,
    last_month,
    payment,
    rates,
    review,
)
from domain.payroll.errors import NO_BATCH
from domain.payroll.lines import ERROR, LIVE_CHECKS
from domain.payroll.model import BATCH_STATES, SigningCredential, WageBatch
from domain.payroll.period import month_label
from domain.roles import CONTRACTOR
from domain.roster import teams as roster_teams
from engine.inbox import check_may_act, get_human_task
from services import payroll, tasks
from services.payroll_jobs import transfers_for_csv
from web.access import guard
from web.extensions import db
from web.forms import int_arg
from web.i18n import localized_month
from web.payroll import bp
from web.runtime import uow

BASE = "/projects/<int:project_id>/payroll"
VIEWERS = roles.PROJECT_VIEWERS
GC = roles.GC_MANAGER
STATE_LABELS = {
    "compiling": _l("编制/审核中"), "approved": _l("待生成汇总表"),
    "summarising": _l("生成汇总文件中"), "pm_signing": _l("待项目经理签署"),
    "enterprise_signing": _l("待总包单位签署"), "pushing": _l("推送银行中"),
    "awaiting_bank": _l("等待银行回执"), "correcting": _l("待更正退回明细"), "paid": _l("已支付"),
    "draft": _l("编制中"), "submitted": _l("待分包审核"), "sub_approved": _l("待总包审核"),
    "rejected": _l("已退回"), "pending": _l("未确认"), "confirmed": _l("已确认"), "disputed": _l("有异议"),
    "none": _l("未推送"), "sent": _l("已推送"), "paid_line": _l("已入账"), "returned": _l("退汇"),
}  # fmt: skip
CONFIRM_LABELS = {  # a line's 工人确认 (条例 Art. 31)
    "pending": _l("待确认"), "confirmed": _l("已确认"), "disputed": _lp("工人确认", "有异议"),
    "paper": _l("纸质确认"), "resolved": _l("已处理"),
}  # fmt: skip
COMP_LABELS = {**STATE_LABELS, "approved": _l("审核通过")}  # a unit table's states
NO_FILE = Text("请选择 Excel 文件", "Choose an Excel file")
NO_SUMMARY = Text("汇总文件尚未生成", "The summary file is not ready yet")
STEP_LABELS = {
    "render": _l("生成汇总文件"), "pm_sign": _l("项目经理签署"), "enterprise_sign": _l("总包单位签署"),
    "push": _l("推送银行"), "bank": _l("等待银行回执"), "reconcile": _l("对账"),
}  # fmt: skip
OPERATION_LABELS = {  # the service steps of bpmn/wage_payment.bpmn, by operator id
    "summary/RenderPdf": _l("生成汇总文件"), "bank/SubmitBatch": _l("推送银行"),
    "bank/FetchStatus": _l("查询银行回执"), "bank/Reconcile": _l("对账"),
    "bank/WatchReturns": _l("查询退汇"), "notify/CompileOverdue": _l("提醒编制人"),
}  # fmt: skip


def _ctx(project_id: int, **more) -> dict:
    project = batches.get_project(db.session, project_id)
    return {"project": project, "labels": STATE_LABELS, "comp_labels": COMP_LABELS,
            "step_names": OPERATION_LABELS, "month_label": localized_month, **more}  # fmt: skip


@bp.route(BASE + "/settlement", methods=["GET", "POST"])
@guard(GC)
def settlement(project_id: int):
    """设置月工资结算日期, the amount checks, and (its own form) 工人确认."""
    if request.method == "POST":
        payroll.set_settlement(uow(), g.actor, project_id, request.form.get("day", ""),
                               request.form.get("pay_factor", ""),
                               request.form.get("line_ceiling", ""))  # fmt: skip
        flash(_("月工资结算日期已保存"), "success")
        return redirect(url_for(".settlement", project_id=project_id))
    ctx = _ctx(project_id, setting=batches.settings_for(db.session, project_id),
               confirm_required=confirmation.required(db.session, project_id),
               limits=compile.amount_limits(db.session, project_id))  # fmt: skip
    return render_template("payroll/settlement.html", months=batches.month_choices(ctx["project"]),
                           **ctx)  # fmt: skip


@bp.route(BASE + "/trade-rates", methods=["GET", "POST"])
@guard(GC)
def trade_rates(project_id: int):
    """工种日工资: the project's default day rate per trade (the compile's starting amounts)."""
    if request.method == "POST":
        values = {k[5:]: v for k, v in request.form.items() if k.startswith("rate-")}
        new_trade = request.form.get("new_trade", "").strip()
        if new_trade:
            values[new_trade] = request.form.get("new_rate", "")
        payroll.set_trade_rates(uow(), g.actor, project_id, values, new_trade)
        flash(_("工种日工资已保存"), "success")
        return redirect(url_for(".trade_rates", project_id=project_id))
    return render_template("payroll/trade_rates.html",
                           rows=rates.trade_rates(db.session, g.actor, project_id),
                           **_ctx(project_id))  # fmt: skip


@bp.route(BASE + "/compile")
@guard(*CONTRACTOR)
def compile_index(project_id: int):
    """工资支付表编制: batch numbers (新增银行交换批次号) and the unit tables (新增编制)."""
    ctx = _ctx(project_id)
    page = paginate(db.session, batches.batches_query(g.actor, project_id), page_request(request.args, 20))
    rows = page.items
    tables = {b.id: compile.visible_compilations(db.session, g.actor, b) for b in rows}
    return render_template(
        "payroll/compile_index.html", batches=rows, tables=tables, page=page,
        months=batches.month_choices(ctx["project"]),
        reminders=batches.open_reminders(db.session, g.actor, project_id),
        reminder_tasks=payroll.reminder_tasks(uow(), g.actor, project_id),
        **ctx,
    )  # fmt: skip


@bp.post(BASE + "/batches")
@guard(GC)
def batch_create(project_id: int):
    batch = payroll.create_batch(uow(), g.actor, project_id, request.form.get("month", ""),
                                 request.form.get("kind", "regular"))  # fmt: skip
    flash(_("已生成银行交换批次号 %(no)s", no=batch.batch_no), "success")
    return redirect(url_for(".compile_index", project_id=project_id))


@bp.post(BASE + "/compilations/new")
@guard(*roles.COMPILERS)
def compilation_new(project_id: int):
    """新增编制: the chosen batch's table of the user's unit, filled from sign-ins."""
    comp = compile.get_compilation(db.session, g.actor, int_arg("compilation_id") or 0,
                                   project_id)  # fmt: skip
    payroll.compile_from_attendance(uow(), g.actor, comp.id)
    for finding in compile.left_out_by_age(db.session, comp):  # 未列入: the reason of each
        flash(_("未列入编制：%(reason)s", reason=finding.message(g.lang)), "warning")
    for finding in compile.left_out_by_roster(db.session, comp):  # no contract, not on site
        flash(finding.message(g.lang), "warning")
    return redirect(url_for(".compilation", project_id=project_id, compilation_id=comp.id))


def _form_lines() -> dict[str, dict]:
    return compile.cells_from_form(request.form.items())


@bp.route(BASE + "/compilations/<int:compilation_id>", methods=["GET", "POST"])
@guard(*VIEWERS)
def compilation(project_id: int, compilation_id: int):
    """编制详情: the table; its compiler edits amounts and saves the draft."""
    comp = compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    if request.method == "POST":
        payroll.save_draft(uow(), g.actor, compilation_id, _form_lines())
        flash(_("草稿已保存"), "success")
        return redirect(url_for(".compilation", project_id=project_id,
                                compilation_id=compilation_id))  # fmt: skip
    findings = compile.findings_for(comp)
    by_line: dict = {}
    for f in findings:
        by_line.setdefault(f.line_id, []).append(f)
    may_edit = comp.state in compile.EDITABLE_STATES and g.actor.may(
        "compile_unit", project_id, comp.unit
    )
    states = confirmation.states_for(db.session, list(comp.lines))
    return render_template(
        "payroll/compilation.html", comp=comp, findings=findings, by_line=by_line,
        errors=sum(1 for f in findings if f.severity == ERROR), may_edit=may_edit,
        states=states, confirm_counts=confirmation.counts(states), confirm_labels=CONFIRM_LABELS,
        confirm_required=confirmation.required(db.session, project_id),
        totals=compile.totals(comp.lines), review_stage=_review_stage(comp), **_ctx(project_id),
        live_checks={code: text.pick(g.lang) for code, text in LIVE_CHECKS.items()},
        changes=last_month.month_changes(db.session, comp), **_by_team(comp),
    )  # fmt: skip


def _by_team(comp) -> dict:
    """The table's lines by team (班组): ?team_id= shows one team's, ?group=team orders them by
    team with a heading per team; the totals per team."""
    of = roster_teams.teams_by_person(db.session, comp.batch.project_id,
                                      [line.person_id for line in comp.lines])  # fmt: skip
    team_id, grouped = int_arg("team_id", request.args), request.args.get("group") == "team"
    lines = [line for line in comp.lines
             if not team_id or (line.person_id in of and of[line.person_id].id == team_id)]
    if grouped:
        lines.sort(key=lambda line: (line.person_id not in of,
                                     of[line.person_id].name if line.person_id in of else ""))
    sums: dict = {}
    for line in comp.lines:
        team = of.get(line.person_id)
        sums.setdefault(team.name if team else "", []).append(line)
    return {"lines": lines, "team_of": of, "team_filter": team_id, "grouped": grouped,
            "team_totals": {name: compile.totals(rows) for name, rows in sorted(sums.items())},
            "table_teams": sorted({t.id: t for t in of.values()}.values(),
                                  key=lambda t: t.name)}  # fmt: skip


def _review_stage(comp) -> str | None:
    return payroll.review_stage(g.actor, comp)


@bp.post(BASE + "/compilations/<int:compilation_id>/fill-rates")
@guard(*roles.COMPILERS)
def compilation_fill_rates(project_id: int, compilation_id: int):
    """按工种日工资填充 / 复制上月日工资 (server-side, audited), after saving the page's edits."""
    compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    source = request.form.get("source", "")
    n = payroll.fill_day_rates(uow(), g.actor, compilation_id, source, _form_lines())
    flash(_("已按工种日工资填充 %(n)d 人", n=n) if source == "trade_rates"
          else _("已复制上月日工资 %(n)d 人", n=n), "success")  # fmt: skip
    return redirect(url_for(".compilation", project_id=project_id, compilation_id=compilation_id))


@bp.post(BASE + "/batches/<int:batch_id>/approve-units")
@guard(*roles.MANAGERS)
def batch_approve_units(project_id: int, batch_id: int):
    """批量审核通过: the checked tables, each approved alone; each refusal is said per unit."""
    batches.get_batch(db.session, g.actor, batch_id, project_id)
    checked = request.form.getlist("compilation_id")
    for outcome in payroll.approve_compilations(uow(), g.actor, project_id, checked):
        if outcome.refusal is None:
            flash(_("%(unit)s：已审核通过", unit=outcome.unit_name), "success")
        else:
            flash(_("%(unit)s：未通过审核（%(why)s）", unit=outcome.unit_name,
                    why=outcome.refusal.message(g.lang)), "error")  # fmt: skip
    return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))


@bp.post(BASE + "/compilations/<int:compilation_id>/submit")
@guard(*roles.COMPILERS)
def compilation_submit(project_id: int, compilation_id: int):
    """提交审核."""
    compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    payroll.submit_compilation(uow(), g.actor, compilation_id, _form_lines())
    flash(_("已提交审核"), "success")
    return redirect(url_for(".compile_index", project_id=project_id))


@bp.get(BASE + "/compilations/<int:compilation_id>/export.xlsx")
@guard(*VIEWERS)
def compilation_export(project_id: int, compilation_id: int):
    compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    name, data = compile.export_excel(db.session, g.actor, compilation_id)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={"Content-Disposition":
                    f"attachment; filename={name}"})  # fmt: skip


@bp.post(BASE + "/compilations/<int:compilation_id>/import")
@guard(*roles.COMPILERS)
def compilation_import(project_id: int, compilation_id: int):
    compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("file_required", NO_FILE, field="file")
    errors = payroll.import_excel(uow(), g.actor, compilation_id, upload.read())
    for error in errors[:20]:
        flash(error.message(g.lang), "error")
    if not errors:
        flash(_("已导入"), "success")
    return redirect(url_for(".compilation", project_id=project_id, compilation_id=compilation_id))


@bp.post(BASE + "/compilations/<int:compilation_id>/review")
@guard(*roles.MANAGERS)
def compilation_review(project_id: int, compilation_id: int):
    """审核: approve, or reject back to the compiler with a reason."""
    comp = compile.get_compilation(db.session, g.actor, compilation_id, project_id)
    stage = _review_stage(comp) or ("gc" if g.actor.may("review_gc", project_id) else "sub")
    approve = request.form.get("decision") == "approve"
    payroll.review_compilation(uow(), g.actor, compilation_id, stage, approve,
                               request.form.get("reason", ""))  # fmt: skip
    flash(_("已审核通过") if approve else _("已退回"), "success")
    return redirect(url_for(".batch", project_id=project_id, batch_id=comp.batch_id))


@bp.route(BASE + "/review")
@guard(*VIEWERS)
def review_index(project_id: int):
    """工资支付表审核: 查询 every batch number with its state."""
    stmt = batches.batches_query(g.actor, project_id, request.args.get("q", ""))
    page = paginate(db.session, stmt, page_request(request.args))
    return render_template("payroll/review_index.html", batches=page.items, page=page,
                           q=request.args.get("q", ""), **_ctx(project_id))  # fmt: skip


@bp.route(BASE + "/batches/<int:batch_id>")
@guard(*VIEWERS)
def batch(project_id: int, batch_id: int):
    """查看详情: the unit tables, the step and progress, the bank's result per line."""
    row = batches.get_batch(db.session, g.actor, batch_id, project_id)
    my_tasks = _my_tasks(row)
    return render_template(
        "payroll/batch.html", batch=row,
        tables=(tables := compile.visible_compilations(db.session, g.actor, row)),
        reviewable={c.id for c in tables if _review_stage(c)},
        summary=payment.summary_of(db.session, row, 0),
        summaries=payment.summaries_of(db.session, row),
        payments=payment.payments_of(db.session, row) if g.actor.may("view_payments", project_id) else [],
        answered_units=documents.answered_units(db.session, row),
        returned=review.rejected_lines(db.session, row) if row.state == "correcting" else [],
        problems=payroll.bank_problems(uow(), g.actor, row),
        overdue=any(t.bpmn_id == "bank_overdue" for t in my_tasks),
        my_tasks=my_tasks, **_ctx(project_id),
    )  # fmt: skip


@bp.post(BASE + "/batches/<int:batch_id>/ask-bank")
@guard(GC)
def ask_bank(project_id: int, batch_id: int):
    """再次询问银行: the bank's answer is overdue; ask per payment (resend if it never arrived)."""
    batches.get_batch(db.session, g.actor, batch_id, project_id)
    payroll.ask_bank_again(uow(), g.actor, batch_id)
    flash(_("已再次询问银行，结果稍后显示"), "success")
    return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))


@bp.post(BASE + "/batches/<int:batch_id>/incidents/<int:incident_id>/retry")
@guard(GC)
def retry_step(project_id: int, batch_id: int, incident_id: int):
    """重试: run the batch's failed step (e.g. the push, once the bank is reachable) again."""
    batches.get_batch(db.session, g.actor, batch_id, project_id)
    payroll.retry_bank_step(uow(), g.actor, batch_id, incident_id)
    flash(_("已重试，结果稍后显示"), "success")
    return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))


def _my_tasks(batch):
    """Every open task of the batch's process the user may do now (the process decides which
    step comes next; a step added to the diagram shows here with its own or the generic page)."""
    return payroll.open_batch_tasks(uow(), g.actor, batch) if batch.instance_id else []


@bp.get(BASE + "/batches/<int:batch_id>/progress")
@guard(*VIEWERS)
def batch_progress(project_id: int, batch_id: int):
    """The step and progress (htmx polls it while a long step runs)."""
    row = batches.get_batch(db.session, g.actor, batch_id, project_id)
    return render_template("payroll/_progress.html", batch=row, labels=STATE_LABELS,
                           steps=STEP_LABELS, project=row.project)  # fmt: skip


@bp.post(BASE + "/batches/<int:batch_id>/summary")
@guard(GC)
def summary_generate(project_id: int, batch_id: int):
    """生成汇总表 (GC manager only)."""
    batches.get_batch(db.session, g.actor, batch_id, project_id)
    payroll.generate_summary(uow(), g.actor, batch_id)
    flash(_("已生成汇总表，正在生成汇总文件"), "success")
    return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))


@bp.route(BASE + "/push")
@guard(*roles.GC_SIDE)
def push_index(project_id: int):
    """工资支付表推送银行: batches whose summary table has been generated."""
    pushed = [s for s in BATCH_STATES if s not in ("compiling", "approved")]
    stmt = batches.batches_query(g.actor, project_id, request.args.get("q", ""), pushed)
    page = paginate(db.session, stmt, page_request(request.args))
    summaries = {b.id: payment.summary_of(db.session, b) for b in page.items}
    return render_template("payroll/push_index.html", batches=page.items, summaries=summaries,
                           page=page, q=request.args.get("q", ""), **_ctx(project_id))  # fmt: skip


@bp.get(BASE + "/batches/<int:batch_id>/summary.pdf")
@guard(*VIEWERS)
def summary_pdf(project_id: int, batch_id: int):
    """生成汇总文件: the (signed) summary file of a round (GC and enterprise: it holds every
    unit)."""
    row = batches.batch_for(db.session, g.actor, batch_id, project_id, "view_summary")
    summary = payment.summary_of(db.session, row, int_arg("round"))
    if summary is None:
        raise NotFound("summary_not_ready", NO_SUMMARY)
    return Response(summary.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename={row.batch_no}.pdf"})  # fmt: skip


@bp.route(BASE + "/batches/<int:batch_id>/sign", methods=["GET", "POST"])
@guard(GC)
def pm_sign(project_id: int, batch_id: int):
    """去签署 (PM): review the summary, then sign with the signing password."""
    row = batches.get_batch(db.session, g.actor, batch_id, project_id)
    if request.method == "POST":
        if request.form.get("action") == "issue":
            payroll.issue_signing_credential(uow(), g.actor.user_id,
                                             request.form.get("password", ""),
                                             row.project.general_contractor.name)  # fmt: skip
            flash(_("个人签署证书已签发"), "success")
        else:
            payroll.pm_sign(uow(), g.actor, batch_id, request.form.get("password", ""))
            flash(_("签署完成，等待总包单位签署"), "success")
            return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))
        return redirect(url_for(".pm_sign", project_id=project_id, batch_id=batch_id))
    has_cert = db.session.get(SigningCredential, g.actor.user_id) is not None
    return render_template("payroll/pm_sign.html", batch=row, has_cert=has_cert,
                           summary=payment.summary_of(db.session, row),
                           lines=payment.batch_lines(db.session, row)[:200],
                           totals=compile.totals(payment.batch_lines(db.session, row)),
                           **_ctx(project_id))  # fmt: skip


@bp.get(BASE + "/batches/<int:batch_id>/verify")
@guard(*VIEWERS)
def verify(project_id: int, batch_id: int):
    """验签: each signature's signer, time and validity; payment files vs the signed lines."""
    row = batches.batch_for(db.session, g.actor, batch_id, project_id, "view_summary")
    return render_template("payroll/verify.html", batch=row,
                           **payroll.verify(uow(), row, int_arg("round")), **_ctx(project_id))  # fmt: skip


@bp.get(BASE + "/batches/<int:batch_id>/daifa.csv")
@guard(*roles.GC_SIDE)
def bank_csv(project_id: int, batch_id: int):
    """代发 CSV of the current round (for a bank's e-banking batch upload)."""
    row = batches.batch_for(db.session, g.actor, batch_id, project_id, "export_bank_file")
    data = bank_batch_csv(transfers_for_csv(db.session, row), f"{month_label(row.pay_month)}工资")
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={row.batch_no}-daifa.csv"})  # fmt: skip


@bp.route(BASE + "/batches/<int:batch_id>/correct", methods=["GET", "POST"])
@guard(*roles.GC_SIDE)
def correct(project_id: int, batch_id: int):
    """更正退回明细: the rejected and returned lines with each worker's card on record; a new
    card is proposed to the worker (it counts once he confirms it); 重新支付 lists them on a
    supplementary summary for the PM and the enterprise to sign."""
    row = batches.get_batch(db.session, g.actor, batch_id, project_id)
    if request.method == "POST":
        if request.form.get("action") == "repay":
            payroll.repay(uow(), g.actor, batch_id)
            flash(_("已生成更正/补发汇总表，待项目经理和总包单位签署后推送银行"), "success")
            return redirect(url_for(".batch", project_id=project_id, batch_id=batch_id))
        payroll.propose_card(uow(), g.actor, batch_id, int_arg("line_id") or 0,
                             request.form.get("bank_card", ""), request.form.get("bank_name", ""),
                             request.form.get("bank_cnaps", ""))  # fmt: skip
        flash(_("新卡已提交，工人在手机上确认后生效"), "success")
        return redirect(url_for(".correct", project_id=project_id, batch_id=batch_id))
    lines = review.rejected_lines(db.session, row)
    return render_template("payroll/correct.html", batch=row, lines=lines,
                           people={p.id: p for p in review.people_of(db.session, lines)},
                           pending={c.person_id: c for line in lines
                                    for c in cards.pending_changes(db.session, line.person_id)},
                           **_ctx(project_id))  # fmt: skip


@bp.get("/payroll/tasks/<int:human_task_id>")
@guard()
def task(human_task_id: int):
    """Inbox link of a wage-payment task: the page where it is done."""
    row = get_human_task(db.session, human_task_id)
    check_may_act(row, tasks.engine_grants(g.actor))
    batch = _batch_of(row)
    pid = batch.project_id
    if row.bpmn_id in (*payroll.COMPILE_TASKS, *payroll.REVIEW_TASKS.values()):
        comp = next(c for c in batch.compilations if c.unit_id == row.unit_id)
        return redirect(url_for(".compilation", project_id=pid, compilation_id=comp.id))
    if row.bpmn_id == "enterprise_sign":
        return redirect(url_for("enterprise.sign", batch_id=batch.id))
    target = {"pm_sign": ".pm_sign", "correct_rejected_lines": ".correct"}.get(
        row.bpmn_id, ".batch"
    )
    return redirect(url_for(target, project_id=pid, batch_id=batch.id))


@bp.route("/payroll/reminders/<int:human_task_id>", methods=["GET", "POST"])
@guard(GC)
def reminder_task(human_task_id: int):
    """结算日提醒: the pay month and its period; 新增银行交换批次号 (completes it) or 忽略."""
    form = tasks.task_form(uow(), g.actor, human_task_id)
    data = form.data
    project_id = int(data.get("project_id") or 0)
    if request.method == "POST":
        payroll.dismiss_reminder(uow(), g.actor, human_task_id)
        flash(_("已忽略该提醒"), "success")
        return redirect(url_for("inbox.inbox"))
    ctx = _ctx(project_id)
    return render_template("payroll/reminder_task.html", form=form, month=data.get("pay_month"),
                           period=(data.get("period_start"), data.get("period_end")),
                           settlement_day=ctx["project"].settlement_day, **ctx)  # fmt: skip


def _batch_of(row):
    batch = db.session.scalar(select(WageBatch).where(WageBatch.batch_no == row.business_key))
    if batch is None:
        raise NotFound("unknown_batch", NO_BATCH)
    return batch
