"""Role codes (ARCHITECTURE §1) and what each covers."""

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

# The four contractor roles of the manual's 项目人员接收.
CONTRACTOR = (GC_MANAGER, GC_OPERATOR, SUB_MANAGER, SUB_OPERATOR)
GC_SIDE = (GC_MANAGER, GC_OPERATOR)
# Roles held for one subcontracting unit; the others are held on a whole project.
UNIT_SCOPED = (SUB_MANAGER, SUB_OPERATOR)
# Posts the GC manager can authorise on a project (项目角色授权管理).
POSTS = (SIGNIN_OFFICER,)
