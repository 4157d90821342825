"""Specific pages for user tasks, by BPMN id (ids are API). Tasks not listed use the generic page.

An area registers ``TASK_PAGES["compile_wage_table"] = "payroll.compile_task"``; the endpoint
receives ``human_task_id`` as its URL argument.
"""

TASK_PAGES: dict[str, str] = {}
