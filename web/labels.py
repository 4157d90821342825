"""The words for the engine's codes on the admin pages, in one place: instance, task, inbox and
job states and job kinds (``running``, ``READY``, ``pending``, ``timer`` …), and the deploy
checks' English reasons turned into Chinese with the parser's own detail kept.  The engine
speaks codes and English (it knows no language); the web shows words."""

import re

from domain.i18n import Text

ENGINE_LABELS: dict[str, Text] = {
    # process instances (engine_process_instance.status)
    "running": Text("运行中", "running"),
    "suspended": Text("已暂停", "suspended"),
    "completed": Text("已完成", "completed"),
    "terminated": Text("已终止", "terminated"),
    # inbox rows (human_task.status) and jobs (engine_job.status)
    "open": Text("待办", "open"),
    "cancelled": Text("已取消", "cancelled"),
    "pending": Text("等待执行", "pending"),
    "done": Text("已完成", "done"),
    "incident": Text("异常", "incident"),
    # job kinds
    "service": Text("服务任务", "service"),
    "timer": Text("定时器", "timer"),
    "message": Text("消息", "message"),
    # SpiffWorkflow task states
    "READY": Text("待处理", "READY"),
    "STARTED": Text("执行中", "STARTED"),
    "WAITING": Text("等待中", "WAITING"),
    "COMPLETED": Text("已完成", "COMPLETED"),
    "CANCELLED": Text("已取消", "CANCELLED"),
    "ERROR": Text("出错", "ERROR"),
    "FUTURE": Text("未开始", "FUTURE"),
    "LIKELY": Text("可能执行", "LIKELY"),
    "MAYBE": Text("可能执行", "MAYBE"),
}


def engine_label(code, lang: str = "zh") -> str:
    """The words for an engine code; a code without words is shown as it is."""
    found = ENGINE_LABELS.get(str(code or ""))
    return found.pick(lang) if found else str(code or "")


_DEPLOY_PROBLEMS: list[tuple[re.Pattern, Text]] = [
    (re.compile(r"XML does not parse: (?P<d>.*)", re.S), Text("XML 格式错误，无法解析：{d}",
                                                               "XML does not parse: {d}")),
    (re.compile(r"invalid BPMN: (?P<d>.*)", re.S), Text("BPMN 内容无效：{d}",
                                                          "invalid BPMN: {d}")),
    (re.compile(r"script policy: (?P<d>.*)", re.S), Text("脚本或表达式超出允许范围：{d}",
                                                           "script policy: {d}")),
    (re.compile(r"user task is in no lane"), Text("用户任务不在任何泳道（角色）中",
                                                  "user task is in no lane")),
    (re.compile(r"lane (?P<d>.*) is not a known role"), Text("泳道 {d} 不是系统中的角色",
                                                            "lane {d} is not a known role")),
    (re.compile(r"no connector registered for (?P<d>.*)"), Text("服务任务 {d} 没有已注册的连接器",
                                                               "no connector registered for {d}")),
    (re.compile(r"cannot tell the main process among (?P<d>.*?); name one"),
     Text("无法确定主流程（{d}），请指定一个", "cannot tell the main process among {d}; name one")),
    (re.compile(r"timer (?P<d>.*) must be a quoted string: (?P<q>.*)"),
     Text("定时器 {d} 须写成带引号的字符串：{q}", "timer {d} must be a quoted string: {q}")),
    (re.compile(r"timer (?P<k>\w+) (?P<d>.*?) is not ISO 8601: (?P<e>.*)", re.S),
     Text("定时器 {d} 不是 ISO 8601 格式：{e}", "timer {k} {d} is not ISO 8601: {e}")),
]  # fmt: skip


def deploy_problem(reason: str, lang: str = "zh") -> str:
    """One deploy check's reason in the page's language (the parser's detail kept as given)."""
    for pattern, text in _DEPLOY_PROBLEMS:
        found = pattern.fullmatch(reason)
        if found:
            return text.format(lang, **({"k": "", "q": "", "e": "", "d": ""} | found.groupdict()))
    return reason
