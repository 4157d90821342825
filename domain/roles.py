"""Role codes (ARCHITECTURE §1), the named sets of them, and which roles may do each action.

This is the one home of "who may": services check ``actor.must(action, …)`` or a named set,
pages ask ``actor.may(action, …)``, views guard with a named set; none writes role codes.
"""

from dataclasses import dataclass

from domain.i18n import Text

GC_MANAGER = "gc_manager"
GC_OPERATOR = "gc_operator"
SUB_MANAGER = "sub_manager"
SUB_OPERATOR = "sub_operator"
GC_ENTERPRISE = "gc_enterprise"
WORKER = "worker"
SIGNIN_OFFICER = "signin_officer"
PROCESS_ADMIN = "process_admin"

LABELS = {
    GC_MANAGER: Text("施工总包项目经理", "GC project manager"),
    GC_OPERATOR: Text("施工总包现场操作用户", "GC site operator"),
    SUB_MANAGER: Text("分包项目经理", "Subcontractor project manager"),
    SUB_OPERATOR: Text("分包现场操作用户", "Subcontractor site operator"),
    GC_ENTERPRISE: Text("总包单位（企业端）", "General contractor (enterprise)"),
    WORKER: Text("建筑工人", "Construction worker"),
    SIGNIN_OFFICER: Text("班前签到员", "Pre-shift sign-in officer"),
    PROCESS_ADMIN: Text("流程管理员", "Process administrator"),
}
ALL = tuple(LABELS)

# The general contractor's project staff.
GC_SIDE = (GC_MANAGER, GC_OPERATOR)
# Roles held for one subcontracting unit; the others are held on a whole project.
UNIT_SCOPED = (SUB_MANAGER, SUB_OPERATOR)
# The four contractor roles of the manual's 项目人员接收.
CONTRACTOR = (*GC_SIDE, *UNIT_SCOPED)
# Who may view a project: its home page, attendance, wage batches and summary files.
PROJECT_VIEWERS = (*CONTRACTOR, GC_ENTERPRISE)
# The general contractor: its project staff and the enterprise (企业端).
GC_AND_ENTERPRISE = (*GC_SIDE, GC_ENTERPRISE)
# The site operators of either side.
OPERATORS = (GC_OPERATOR, SUB_OPERATOR)
# Who compile a unit's wage table (新增编制), on their own side: the operators, and the GC
# manager for the GC's own unit (the manual's 新增编制 from the 施工总包项目经理 account).
COMPILERS = (*OPERATORS, GC_MANAGER)
# Who review wage tables (分包审核, 总包审核).
MANAGERS = (GC_MANAGER, SUB_MANAGER)
# The logins of construction workers (a sign-in officer is an accepted worker too).
PERSONS = (WORKER, SIGNIN_OFFICER)
# Who has the desktop menus (我的项目): every role but the workers'.
STAFF = tuple(r for r in ALL if r not in PERSONS)
# Posts the GC manager can authorise on a project (项目角色授权管理).
POSTS = (SIGNIN_OFFICER,)
# Whose process tasks a role also does: the GC manager the GC operator's (compiling and
# correcting the GC's own unit's table), so his inbox shows them and he may complete them.
STANDS_IN_FOR = {GC_MANAGER: (GC_OPERATOR,)}


@dataclass(frozen=True)
class BySide:
    """The roles of a unit's action: one set for the GC's own unit, one for a subcontractor's."""

    gc_own: tuple[str, ...]
    sub: tuple[str, ...]

    def either(self) -> tuple[str, ...]:
        """Roles that may do it on some unit (for a menu that names no unit)."""
        return tuple(dict.fromkeys(self.gc_own + self.sub))


# action name → the roles that may do it (in the scope of the project and unit asked about).
ACTIONS: dict[str, tuple[str, ...] | BySide] = {
    # 我的项目, 项目首页
    "list_projects": STAFF,
    "view_all_projects": (PROCESS_ADMIN,),
    "view_project": PROJECT_VIEWERS,
    # 建筑工人实名制管理
    "accept_workers": CONTRACTOR,
    "register_worker": CONTRACTOR,
    # 花名册 (domain/roster): 聘用登记 with the labour contract, 班组 and 派工, 进退场登记
    "view_roster": CONTRACTOR,
    "record_contract": CONTRACTOR,
    "manage_teams": CONTRACTOR,
    "dispatch_workers": CONTRACTOR,
    "record_entry_exit": GC_SIDE,
    "authorise_officers": (GC_MANAGER,),
    "view_audit": (GC_MANAGER,),
    # 预警: the GC manager every unit of his projects, a subcontractor's manager his unit
    "view_warnings": MANAGERS,
    # 解除登录锁定: the GC manager for his project's people, the administrator for anyone
    "lift_lockout": (GC_MANAGER, PROCESS_ADMIN),
    # 维权信息告示牌 (条例 Art. 34): the GC manager keeps it; every viewer prints it
    "edit_notice_board": (GC_MANAGER,),
    "view_notice_board": PROJECT_VIEWERS,
    # 班前签到
    "view_attendance": PROJECT_VIEWERS,
    "set_signin_point": (GC_MANAGER,),
    "sign_in": (WORKER,),
    "request_makeup": (WORKER,),
    "scan_as_officer": (SIGNIN_OFFICER,),
    # 工资支付编制
    "set_settlement_day": (GC_MANAGER,),
    "set_trade_rates": (GC_MANAGER,),
    "view_compile": CONTRACTOR,
    "create_batch": (GC_MANAGER,),
    "set_line_confirmation": (GC_MANAGER,),  # 工人确认工资 on or off (条例 Art. 31)
    "compile_unit": BySide(gc_own=(GC_OPERATOR, GC_MANAGER), sub=(SUB_OPERATOR,)),
    "view_unit_table": BySide(gc_own=GC_AND_ENTERPRISE, sub=PROJECT_VIEWERS),
    "review_sub": (SUB_MANAGER,),
    "review_gc": (GC_MANAGER,),
    "view_batches": PROJECT_VIEWERS,
    "generate_summary": (GC_MANAGER,),
    "push_bank": GC_SIDE,
    "sign_pm": (GC_MANAGER,),
    "sign_enterprise": (GC_ENTERPRISE,),
    "view_payments": GC_AND_ENTERPRISE,
    # The signed summary file holds every unit's lines and cannot be cut without breaking the
    # signatures: the GC and the enterprise only; a subcontractor sees his unit's table.
    "view_summary": GC_AND_ENTERPRISE,
    "export_bank_file": GC_SIDE,
    "correct_lines": GC_SIDE,
    # 工资支付台账: the GC side the whole project, a subcontractor his unit (view_unit_table)
    "view_ledger": PROJECT_VIEWERS,
    "view_my_wages": (WORKER,),
    # 流程管理
    "manage_processes": (PROCESS_ADMIN,),
    # 登记企业证书 (certificate fingerprints that bind an enterprise's signing certificate)
    "manage_trust": (PROCESS_ADMIN,),
}


def allowed(action: str, unit=None) -> tuple[str, ...]:
    """The roles that may do ``action``; ``unit`` (a Unit) picks the side of a unit's action.

    Without a unit, a unit's action answers for either side. A unit id alone cannot tell the
    side, so it is refused for such an action (pass the Unit).
    """
    roles = ACTIONS[action]
    if not isinstance(roles, BySide):
        return roles
    if unit is None:
        return roles.either()
    if not hasattr(unit, "is_gc_own"):
        raise TypeError(f"{action} depends on the unit's side: pass the Unit, not {unit!r}")
    return roles.gc_own if unit.is_gc_own else roles.sub
