"""Engine commands: ``flask --app web engine deploy|definitions|instances|show|incidents|retry|worker``."""

import json
from pathlib import Path

import click

import engine
from domain import roles
from web.extensions import db
from web.runtime import deploy_changed


@click.group("engine")
def engine_cli():
    """BPMN engine administration (流程引擎)."""


@engine_cli.command("deploy")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", default="cli", help="Recorded as the deployer.")
def deploy_command(files, by):
    """Deploy FILES as new versions; without FILES, every changed diagram in bpmn/."""
    try:
        if not files:
            done = deploy_changed(db.session, by=by)
            click.echo("\n".join(done) if done else "bpmn/: nothing changed")
            return
        for path in files:
            d = engine.deploy(db.session, path.read_bytes(), known_roles=roles.ALL,
                              deployed_by=by)  # fmt: skip
            click.echo(f"{d.process_id} v{d.version} sha256={d.sha256[:12]}")
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
    engine.retry_incident(db.session, incident_id, by="cli")
    click.echo(f"incident {incident_id}: job due again")


@engine_cli.command("worker")
@click.option("--poll", default=2.0, help="Seconds between polls when idle.")
def worker_command(poll):
    """Run the job executor in this process (for separate worker processes)."""
    from flask import current_app

    from web.runtime import session_factory

    click.echo("engine worker: running due jobs (Ctrl-C stops)")
    executor = engine.JobExecutor(session_factory(current_app._get_current_object()),
                                  poll_seconds=poll)  # fmt: skip
    try:
        executor.run_forever()
    except KeyboardInterrupt:
        executor.stop()
