"""Engine commands: ``flask --app web engine
deploy|definitions|instances|show|incidents|retry|tasks|complete|worker``."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

import engine
from domain.access import load_actor
from domain.errors import DomainError
from domain.model import User
from services import processes, tasks
from web.extensions import db
from web.runtime import BPMN_DIR, start_node, uow, wiring


@click.group("engine", cls=AppGroup)  # AppGroup: every command runs in the app's context
def engine_cli():
    """BPMN engine administration (流程引擎)."""


@engine_cli.command("deploy")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", default="cli", help="Recorded as the deployer.")
@click.option("--main", default=None, metavar="PROCESS_ID",
              help="The main process (or collaboration) of a file that has several.")
def deploy_command(files, by, main):
    """Deploy FILES as new versions: each BPMN file with the DMN files among FILES (one unit
    of work); without FILES, every changed diagram in bpmn/."""
    try:
        if not files:
            done = processes.deploy_changed(uow(), BPMN_DIR, by=by)
            click.echo("\n".join(done) if done else "bpmn/: nothing changed")
            return
        documents = [path.read_bytes() for path in files]
        for d in processes.deploy_documents(uow(), documents, by=by, main=main):
            note = " (unchanged: already the newest version)" if d.unchanged else ""
            click.echo(f"{d.process_id} v{d.version} sha256={d.sha256[:12]}{note}")
    except DomainError as err:
        raise click.ClickException(err.message("zh")) from None
    except engine.DeployRefused as err:
        for element, reason in err.problems:
            click.echo(f"refused: {element or '-'}: {reason}", err=True)
        raise SystemExit(1) from None


@engine_cli.command("definitions")
def definitions_command():
    for d in engine.list_definitions(db.session):
        click.echo(f"{d.id:>4} {d.process_id:<24} v{d.version:<3} {d.sha256[:12]} "
                   f"{d.deployed_by or '':<10} {d.deployed_at:%Y-%m-%d %H:%M}")  # fmt: skip


@engine_cli.command("instances")
@click.option("--status")
@click.option("--key", "business_key")
def instances_command(status, business_key):
    for i in engine.list_instances(db.session, status=status, business_key=business_key):
        click.echo(f"{i.id:>5} {i.process_id:<24} {i.status:<10} {i.business_key or ''}")


@engine_cli.command("show")
@click.argument("instance_id", type=int)
def show_command(instance_id):
    """State, live tasks, jobs and incidents of one instance (JSON)."""
    info = engine.describe_instance(db.session, instance_id)
    info["incidents"] = [vars(i) for i in info["incidents"]]
    click.echo(json.dumps(info, indent=2, ensure_ascii=False, default=str))


@engine_cli.command("incidents")
@click.option("--all", "show_all", is_flag=True, help="Include resolved incidents.")
def incidents_command(show_all):
    for i in engine.list_incidents(db.session, open_only=not show_all):
        state = f"resolved by {i.resolved_by}" if i.resolved_at else "OPEN"
        click.echo(f"{i.id:>4} instance={i.instance_id} {i.operation or i.kind} "
                   f"attempts={i.attempts} {state}\n     {i.error[:200]}")  # fmt: skip


@engine_cli.command("retry")
@click.argument("incident_id", type=int)
def retry_command(incident_id):
    processes.retry_incident(uow(), incident_id, by="cli")
    click.echo(f"incident {incident_id}: job due again")


@engine_cli.command("control")
@click.argument("action", type=click.Choice(["suspend", "resume", "terminate"]))
@click.argument("instance_id", type=int)
@click.option("--reason", default="", help="why (required to terminate)")
def control_command(action, instance_id, reason):
    """Suspend, resume or terminate a process instance."""
    processes.control_instance(uow(), action, instance_id, by="cli", reason=reason)
    click.echo(f"instance {instance_id}: {action} done")


@engine_cli.command("migrate")
@click.argument("instance_id", type=int)
@click.option("--to", "to_version", required=True, help="The newer version to move it to.")
@click.option("--dry-run", is_flag=True, help="Only list what would move and what cannot.")
@click.option("--reason", default="", help="Recorded with the move.")
def migrate_command(instance_id, to_version, dry_run, reason):
    """Move a running instance to a newer version of its process (its active tasks must exist
    there); --dry-run lists what would move and what cannot."""
    try:
        plan = processes.migrate_instance(uow(), instance_id, processes.target_version(to_version),
                                          by="cli", reason=reason, dry_run=dry_run)  # fmt: skip
    except DomainError as err:
        raise click.ClickException(err.message("zh")) from None
    for line in migration_lines(plan):
        click.echo(line)
    if dry_run and not plan.possible:
        raise SystemExit(1)
    if not dry_run:
        click.echo(f"instance {instance_id}: moved to v{plan.to_version}")


def migration_lines(plan) -> list[str]:
    """A migration plan as text: the reason nothing can move, or each task that moves or not."""
    head = f"instance {plan.instance_id} {plan.process_id} v{plan.from_version} → v{plan.to_version}"
    if plan.reason:
        return [head, f"cannot move: {plan.reason}"]
    return [head, *(f"  move     {m['bpmn_id']} ({m['state']})" for m in plan.moves),
            *(f"  CANNOT   {b['bpmn_id']} ({b['state']}): {b['reason']}" for b in plan.blocked)]


@engine_cli.command("worker")
@click.option("--poll", default=2.0, help="Seconds between polls when idle.")
def worker_command(poll):
    """Run the job executor in this process (for separate worker processes)."""
    app = current_app._get_current_object()
    click.echo(f"engine worker {start_node(app)}: running due jobs (Ctrl-C stops)")
    wired = wiring(app)
    executor = engine.JobExecutor(wired.session_factory, wired.connectors, poll_seconds=poll)
    try:
        executor.run_forever()
    except KeyboardInterrupt:
        executor.stop()


def actor_named(username: str):
    """The actor of a CLI command's ``--as <user>``."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    return load_actor(db.session, user)


@engine_cli.command("tasks")
@click.option("--as", "username", required=True, help="The user whose open tasks to list.")
def tasks_command(username):
    """The open tasks a user may do now."""
    grants = tasks.engine_grants(actor_named(username))
    for item in engine.list_inbox(db.session, grants):
        click.echo(f"{item.id:>5} {item.process_id:<20} {item.bpmn_id:<24} "
                   f"{item.business_key or '':<22} {item.name}")  # fmt: skip


@engine_cli.command("complete")
@click.argument("human_task_id", type=int)
@click.option("--as", "username", required=True, help="Complete it as this user.")
@click.option("--set", "values", multiple=True, metavar="NAME=VALUE",
              help="A form field (repeatable), e.g. --set decision=approve.")  # fmt: skip
def complete_command(human_task_id, username, values):
    """Complete a user task through its handler, as a user (the same rules as every page)."""
    inputs = dict(v.split("=", 1) for v in values if "=" in v)
    try:
        tasks.complete_task(uow(), actor_named(username), human_task_id, inputs, route=tasks.CLI)
    except (DomainError, engine.EngineError) as err:
        message = err.message("zh") if isinstance(err, DomainError) else str(err)
        raise click.ClickException(message) from None
    click.echo(f"task {human_task_id}: completed")
