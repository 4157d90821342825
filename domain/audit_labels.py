"""The one table of words for the 操作日志: each audit action code, each kind of object and the
usual fields, in Chinese and English.  ``tests/unit/test_audit_labels.py`` greps the code for
every action code written and fails on one that has no label here."""

from domain.i18n import Text

ACTION_LABELS: dict[str, Text] = {
    # 实名制: people, accounts, acceptance
    "enterprise.register": Text("登记企业", "Enterprise registered"),
    "person.register": Text("人员登记", "Worker registered"),
    "person.id_validity": Text("更新身份证有效期", "ID validity updated"),
    "person.photo": Text("更新照片", "Photo updated"),
    "person.card_changed": Text("变更工资卡", "Wage card changed"),
    "person.card_change_proposed": Text("申请变更工资卡", "Wage card change proposed"),
    "person.card_change_refused": Text("驳回工资卡变更", "Wage card change refused"),
    "assignment.create": Text("加入项目", "Added to the project"),
    "assignment.reassign": Text("调整参建单位", "Moved to another unit"),
    "assignment.accept": Text("接收人员", "Worker accepted"),
    "assignment.reject": Text("拒绝人员", "Worker rejected"),
    "assignment.dispatch": Text("派工", "Dispatched to a team"),
    "assignment.entry": Text("进场登记", "Entry recorded"),
    "assignment.exit": Text("退场登记", "Exit recorded"),
    "account.open": Text("开通工人账号", "Worker account opened"),
    "account.code_issued": Text("发放激活码", "Activation code issued"),
    "account.activate": Text("激活账号", "Account activated"),
    "user.password": Text("修改密码", "Password changed"),
    "login.unlock": Text("解除登录锁定", "Login lockout lifted"),
    "authorisation.grant": Text("授权班前签到员", "Sign-in officer authorised"),
    "authorisation.revoke": Text("撤销签到员授权", "Sign-in officer revoked"),
    "team.create": Text("新建班组", "Team created"),
    "team.update": Text("修改班组", "Team changed"),
    "contract.record": Text("登记劳动合同", "Labour contract recorded"),
    "contract.superseded": Text("劳动合同被新合同替代", "Labour contract superseded"),
    "notice_board.saved": Text("保存维权告示牌", "Notice board saved"),
    # 签到
    "signin.point_set": Text("设置签到地址", "Sign-in point set"),
    "signin.makeup_request": Text("申请补签", "Make-up sign-in requested"),
    "signin.makeup_decide": Text("补签审核", "Make-up sign-in decided"),
    # 工资
    "payroll.settlement_day": Text("设置结算日", "Settlement day set"),
    "payroll.trade_rates": Text("设置工种日工资", "Trade day rates set"),
    "payroll.amount_limits": Text("设置金额校验", "Amount checks set"),
    "payroll.bank_adapter": Text("设置银行接口", "Bank interface set"),
    "payroll.bank_result_file": Text("上传银行回盘文件", "Bank result file uploaded"),
    "payroll.day_rates_filled": Text("批量填充日工资", "Day rates filled in"),
    "pii.reencrypt": Text("个人信息重新加密", "Personal data re-encrypted"),
    "platform.resend": Text("全国平台重新上传", "Sent to the national platform again"),
    "payroll.batch_created": Text("创建银行交换批次", "Bank batch created"),
    "payroll.compiled": Text("编制工资表", "Wage table compiled"),
    "payroll.submitted": Text("提交工资表", "Wage table submitted"),
    "payroll.sub_approved": Text("分包审核通过", "Approved by the subcontractor"),
    "payroll.sub_rejected": Text("分包审核退回", "Returned by the subcontractor"),
    "payroll.gc_approved": Text("总包审核通过", "Approved by the general contractor"),
    "payroll.gc_rejected": Text("总包审核退回", "Returned by the general contractor"),
    "payroll.summary_requested": Text("生成汇总文件", "Summary file requested"),
    "payroll.pm_signed": Text("项目经理签署", "Signed by the project manager"),
    "payroll.enterprise_signed": Text("企业签署", "Signed by the enterprise"),
    "payroll.bank_asked_again": Text("重新查询银行结果", "Bank asked again"),
    "payroll.repay": Text("重新发放", "Re-payment"),
    "payroll.line_confirmed": Text("工人确认工资", "Wage line confirmed"),
    "payroll.line_disputed": Text("工人提出异议", "Wage line disputed"),
    "payroll.dispute_resolved": Text("答复工资异议", "Wage dispute answered"),
    "payroll.line_paper_confirmed": Text("上传纸质确认", "Paper confirmation uploaded"),
    "payroll.line_confirmation_required": Text("设置工人确认要求", "Worker confirmation rule set"),
    "trust.fingerprint_registered": Text("登记企业证书", "Enterprise certificate registered"),
    "trust.fingerprint_revoked": Text("撤销企业证书", "Enterprise certificate revoked"),
    # 流程
    "process.suspend": Text("暂停流程实例", "Process instance suspended"),
    "process.resume": Text("继续流程实例", "Process instance resumed"),
    "process.terminate": Text("终止流程实例", "Process instance terminated"),
}

ENTITY_LABELS: dict[str, Text] = {
    "enterprise": Text("企业", "Enterprise"),
    "project": Text("项目", "Project"),
    "unit": Text("参建单位", "Unit"),
    "person": Text("人员", "Person"),
    "person_photo": Text("照片", "Photo"),
    "assignment": Text("项目人员", "Worker on the project"),
    "user": Text("账号", "Account"),
    "activation_code": Text("激活码", "Activation code"),
    "authorisation": Text("签到员授权", "Sign-in officer authorisation"),
    "notice_board": Text("维权告示牌", "Notice board"),
    "payroll_setting": Text("工资设置", "Payroll setting"),
    "wage_batch": Text("银行交换批次", "Bank batch"),
    "wage_compilation": Text("工资表", "Wage table"),
    "line_confirmation": Text("工资确认", "Wage confirmation"),
    "bank_card_change": Text("工资卡变更", "Wage card change"),
    "enterprise_certificate": Text("企业证书", "Enterprise certificate"),
    "labour_contract": Text("劳动合同", "Labour contract"),
    "team": Text("班组", "Team"),
    "login_lockout": Text("登录锁定", "Login lockout"),
    "makeup_request": Text("补签申请", "Make-up request"),
    "engine_process_instance": Text("流程实例", "Process instance"),
}

FIELD_LABELS: dict[str, Text] = {
    "name": Text("姓名/名称", "Name"),
    "state": Text("状态", "State"),
    "status": Text("状态", "Status"),
    "reason": Text("原因", "Reason"),
    "reject_reason": Text("退回原因", "Reason for returning"),
    "id_number": Text("身份证号", "ID number"),
    "phone": Text("手机号", "Phone"),
    "bank_card": Text("工资卡号", "Wage card"),
    "bank_name": Text("开户银行", "Bank"),
    "trade": Text("工种", "Trade"),
    "unit_id": Text("参建单位", "Unit"),
    "team_id": Text("班组", "Team"),
    "person_id": Text("人员", "Person"),
    "project_id": Text("项目", "Project"),
    "day": Text("日期", "Day"),
    "entered_on": Text("进场日期", "Entered on"),
    "exited_on": Text("退场日期", "Exited on"),
    "accepted_at": Text("接收时间", "Accepted at"),
    "settlement_day": Text("结算日", "Settlement day"),
    "pay_month": Text("工资月份", "Pay month"),
    "batch_no": Text("批次号", "Batch number"),
    "by": Text("操作方", "By"),
    "kind": Text("类型", "Kind"),
    "note": Text("备注", "Note"),
    "decided_at": Text("审核时间", "Decided at"),
    "decided_by": Text("审核人", "Decided by"),
    "created_at": Text("创建时间", "Created at"),
    "created_by": Text("创建人", "Created by"),
    "granted_at": Text("授权时间", "Granted at"),
    "granted_by": Text("授权人", "Granted by"),
    "revoked_at": Text("撤销时间", "Revoked at"),
    "revoked_by": Text("撤销人", "Revoked by"),
    "reviewed_at": Text("审核时间", "Reviewed at"),
    "reviewed_by": Text("审核人", "Reviewed by"),
    "submitted_at": Text("提交时间", "Submitted at"),
    "leader_person_id": Text("班组长", "Team leader"),
    "starts_on": Text("开始日期", "Starts on"),
    "ends_on": Text("结束日期", "Ends on"),
    "effective_until": Text("有效至", "Effective until"),
    "id_valid_until": Text("身份证有效期至", "ID valid until"),
    "lat": Text("纬度", "Latitude"),
    "lng": Text("经度", "Longitude"),
    "radius_m": Text("签到半径(米)", "Radius (m)"),
    "day_rate": Text("日工资", "Day rate"),
    "gross": Text("应发工资", "Gross pay"),
    "net": Text("实发工资", "Net pay"),
    "deductions": Text("扣款", "Deductions"),
    "days": Text("出勤天数", "Days"),
}

# The words for a stored state (状态) value, whatever the object: the log shows words, not codes.
VALUE_LABELS: dict[str, Text] = {
    "assigned": Text("待接收", "Waiting for acceptance"),
    "accepted": Text("已接收", "Accepted"),
    "rejected": Text("已退回", "Rejected"),
    "pending": Text("待处理", "Pending"),
    "approved": Text("已通过", "Approved"),
    "refused": Text("已驳回", "Refused"),
    "confirmed": Text("已确认", "Confirmed"),
    "draft": Text("编制中", "Draft"),
    "submitted": Text("已提交", "Submitted"),
    "sub_approved": Text("分包已审核", "Approved by the subcontractor"),
    "compiling": Text("编制/审核中", "Compiling"),
    "summarising": Text("生成汇总文件中", "Rendering the summary"),
    "pm_signing": Text("待项目经理签署", "Waiting for the PM's signature"),
    "enterprise_signing": Text("待总包单位签署", "Waiting for the enterprise's signature"),
    "pushing": Text("推送银行中", "Sending to the bank"),
    "awaiting_bank": Text("等待银行回执", "Waiting for the bank"),
    "correcting": Text("待更正", "Correcting"),
    "paid": Text("已完成", "Paid"),
    "disputed": Text("有异议", "Disputed"),
    "resolved": Text("已处理", "Answered"),
    "paper": Text("纸质确认", "Paper confirmation"),
}
STATE_FIELDS = ("state", "status")

SYSTEM = Text("系统", "System")


def action_label(code: str) -> Text:
    """The words for an action code; an unknown code (an old entry) is shown as it is."""
    return ACTION_LABELS.get(code) or Text(code, code)


def entity_label(entity: str) -> Text:
    return ENTITY_LABELS.get(entity) or Text(entity, entity)


def field_label(name: str) -> Text:
    return FIELD_LABELS.get(name) or Text(name, name)


def value_label(name: str, value: str) -> Text | None:
    """The words for a state value (``state``/``status`` fields only), when there are some."""
    return VALUE_LABELS.get(value) if name in STATE_FIELDS else None


def kinds() -> list[str]:
    """The kinds of action (the part before the dot), for the filter: person, payroll …"""
    return sorted({code.split(".", 1)[0] for code in ACTION_LABELS})


KIND_LABELS: dict[str, Text] = {
    "enterprise": Text("企业", "Enterprises"),
    "person": Text("人员", "People"),
    "assignment": Text("项目人员", "Workers on the project"),
    "account": Text("工人账号", "Worker accounts"),
    "user": Text("账号", "Accounts"),
    "login": Text("登录", "Logins"),
    "authorisation": Text("签到员授权", "Sign-in officers"),
    "team": Text("班组", "Teams"),
    "contract": Text("劳动合同", "Labour contracts"),
    "notice_board": Text("告示牌", "Notice board"),
    "signin": Text("签到", "Sign-in"),
    "payroll": Text("工资", "Payroll"),
    "trust": Text("证书", "Certificates"),
    "process": Text("流程", "Processes"),
}
