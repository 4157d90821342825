"""Which instances wait for which event (等待事件索引): one ``engine_event_wait`` row per message
or signal an instance waits for now, with the instance's correlation values.  A message finds
its instances by correlation key and a signal every instance that waits for it, without
loading any instance; the save that changes what an instance waits for rebuilds its rows.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.messages import correlated
from engine.models import EventWait, ProcessInstance
from engine.store import Loaded
from engine.waiting import waits_of


def sync_waits(session: Session, loaded: Loaded) -> None:
    """Rebuild the instance's rows when what it waits for (or its correlations) changed."""
    now = waits_of(loaded.wf)
    if now == loaded.waits or (loaded.waits is None and not now[0]):
        return
    if loaded.waits is not None:
        session.execute(delete(EventWait).where(EventWait.instance_id == loaded.row.id))
    session.add_all(
        EventWait(instance_id=loaded.row.id, kind=kind, name=name, correlations_json=now[1])
        for kind, name in sorted(now[0])
    )
    loaded.waits = now


def waiting_instances(
    session: Session, kind: str, name: str, correlations: dict | None = None, *, exclude: int | None = None
) -> list[int]:
    """Running instances waiting for ``name``: for a signal all of them, for a message those
    whose correlation values match ``correlations``."""
    rows = session.execute(
        select(EventWait.instance_id, EventWait.correlations_json)
        .join(ProcessInstance, ProcessInstance.id == EventWait.instance_id)
        .where(EventWait.kind == kind, EventWait.name == name, ProcessInstance.status == "running")
        .where(EventWait.instance_id != (exclude or 0))
        .order_by(EventWait.instance_id)
    ).all()
    if kind == "signal":
        return sorted({r.instance_id for r in rows})
    return sorted({r.instance_id for r in rows if correlated(correlations, r.correlations_json)})
