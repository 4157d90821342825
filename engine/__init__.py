"""The BPMN engine (流程引擎) around SpiffWorkflow 3.2: generic, no Flask, no wages.

Every function takes a SQLAlchemy ``Session`` and works inside the caller's transaction: none
commits (the application layer's unit of work does, once), and a conflicting concurrent save
raises ``ConcurrentUpdate`` so that the caller runs its whole use case again.  Only the job
executor, the engine's own orchestration, commits its claims, completions and failures.

Definitions — ``engine.definitions``
    deploy(session, xml, *, known_roles, connectors, deployed_by=None, process_id=None, dmn=())
        -> ProcessDefinition                       # raises DeployRefused([(element_id, reason)])
    validate(xml, *, known_roles, connectors, process_id=None, dmn=(), session=None) -> Parsed
        (process_id: the main process or collaboration; dmn: DMN texts; calls to processes of
        other files bind their stored versions — ``engine.documents``)
    list_definitions(session, process_id=None) -> [ProcessDefinition]
    latest_definition(session, process_id) -> ProcessDefinition
Instances — ``engine.instances``
    start_instance(session, process_id, *, data=None, business_key=None, started_by=None) -> id
    list_instances(session, *, process_id=None, status=None, business_key=None, limit=100)
    instances_query / incidents_query (+ incident_view) / failures_query: the same, unlimited
    describe_instance(session, instance_id) -> dict (state, data, tasks, jobs, incidents, inbox,
        the admin's actions)
    suspend_instance / resume_instance(session, id, *, by, reason=""); terminate_instance(..., reason)
    plan_migration(session, id, to_version) -> MigrationPlan (the dry run: moves, blocked);
        migrate_instance(session, id, to_version, *, by, reason="")   # ``engine.migration``
    instance_history(session, id) -> [task finished: by, at, changes] # ``engine.history``
    (finished history is cut from large task trees before each save — ``engine.pruning``)
Inbox and forms — ``engine.inbox``, ``engine.forms``
    Grant(role, project_id=None, unit_id=None)
    list_inbox(session, grants, *, project_id=None, process_id=None, name=None, limit, offset)
    inbox_counts(session, grants, *, project_id=None) -> {(process_id, bpmn_id, name): n}
    open_count(grants) -> scalar subquery of the open tasks the grants may do (page header)
    task_form(session, human_task_id, grants) -> TaskForm;  form_to_data(form, raw) -> dict
    complete_task(session, human_task_id, data, *, user, grants)   # engine.tasks
Jobs, incidents, events — ``engine.executor``, ``engine.incidents``, ``engine.events``
    run_due_jobs(session, connectors, *, worker_id=None, limit=20) -> claimed count
    JobExecutor(session_factory, connectors).start() / .stop() / .run_forever()
    list_incidents(session, *, open_only=True, instance_id=None); retry_incident(session, id, by=);
    retrying_jobs(session, instance_id); record_failure(session, ProcessError); list_failures()
    deliver_message(session, name, business_key, payload=None, *, correlations=None) -> [ids]
        (by business key and/or BPMN correlation values {key: {property: value}}; parked early)
    broadcast_signal(session, name, payload=None) -> [ids]   # every instance waiting for it
    fire_timers(session, instance_id)
Connectors — ``engine.connectors``: ConnectorRegistry().register("bank/SubmitBatch", fn);
    fn(params: dict, ctx: ConnectorContext) -> dict (the composition root owns the registry);
    raise BpmnError(code, message) for a business failure an error boundary event catches
Scheduler — ``engine.scheduler``: EngineScheduler(bind).register_step(name, fn, seconds=|cron=),
    install_job_poller(scheduler, session_factory, connectors), start() (once per process), shutdown()
Settings — ``engine.settings.configure(project_key=, unit_key=, lease_seconds=, ...)``
Errors (all EngineError) — DeployRefused(problems), NotFound, TaskNotAllowed, TaskNotOpen,
    ConcurrentUpdate, ProcessError(detail, element_id=, instance_id=, user=) (the diagram's own
    logic failed, whatever the Python exception was; nothing was saved)
Tables — ``engine.models.EngineBase``; created by the Alembic migration ``0002_engine``.
"""

from engine.connectors import BpmnError, ConnectorContext, ConnectorRegistry
from engine.control import resume_instance, suspend_instance, terminate_instance
from engine.definitions import deploy, latest_definition, list_definitions, validate
from engine.errors import (
    ConcurrentUpdate,
    DeployRefused,
    EngineError,
    InstanceNotRunning,
    NotFound,
    ProcessError,
    TaskNotAllowed,
    TaskNotOpen,
)
from engine.events import broadcast_signal, deliver_message, fire_timers
from engine.executor import JobExecutor, run_due_jobs
from engine.forms import TaskForm, form_to_data, task_form
from engine.inbox import Grant, InboxItem, inbox_counts, list_inbox, open_count
from engine.incidents import (
    failures_query,
    incident_view,
    incidents_query,
    list_failures,
    list_incidents,
    record_failure,
    retry_incident,
    retrying_jobs,
)
from engine.instances import describe_instance, instances_query, list_instances, start_instance
from engine.jobs import claim_jobs, default_worker_id
from engine.tasks import complete_task

__all__ = [
    "BpmnError", "broadcast_signal", "InstanceNotRunning", "resume_instance", "suspend_instance",
    "terminate_instance", "validate", "claim_jobs", "default_worker_id", "list_failures", "record_failure", "ConcurrentUpdate", "ConnectorContext", "ConnectorRegistry", "DeployRefused", "EngineError",
    "Grant", "InboxItem", "JobExecutor", "NotFound", "ProcessError", "TaskForm", "TaskNotAllowed", "TaskNotOpen",
    "complete_task", "deliver_message", "deploy", "describe_instance", "fire_timers",
    "form_to_data", "inbox_counts", "latest_definition", "list_definitions", "list_incidents",
    "list_inbox", "list_instances", "open_count", "retry_incident", "retrying_jobs", "run_due_jobs",
    "start_instance", "task_form",
    "failures_query", "incident_view", "incidents_query", "instances_query",  # pages of the lists
]  # fmt: skip
