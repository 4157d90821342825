"""平台同步: what the GC side sees of the uploads to the national workers' platform, and
重新上传 of a refused record (the uploader itself: services/platform_jobs.py)."""

from __future__ import annotations

from collections import Counter

from domain import platform_sync as sync
from domain.access import Actor
from domain.audit import record
from services import platform_jobs
from services.uow import UnitOfWork, use_case

ACTION = "record_entry_exit"  # the GC side of the project (the real-name records' keeper)


@use_case
def start_uploads(uow: UnitOfWork) -> int:
    """The scheduled step: start each project's upload round (when the platform is configured)."""
    settings = platform_jobs.PlatformSettings.of(uow.settings)
    return platform_jobs.start_uploads(uow.session, settings, str(uow.settings.get("ZHUXIN_PLATFORM_WAIT", "PT10S")))


def overview(uow: UnitOfWork, actor: Actor, project_id: int, kind: str = "", state: str = "") -> dict:
    actor.must(ACTION, project_id)
    rows = sync.rows_of(uow.session, project_id)
    counts = Counter((r.kind, r.state) for r in rows)
    shown = [r for r in rows if (not kind or r.kind == kind) and (not state or r.state == state)]
    return {"enabled": platform_jobs.PlatformSettings.of(uow.settings).enabled, "counts": counts,
            "rows": shown[:500], "total": len(shown), "kinds": sync.KINDS, "states": sync.STATES}  # fmt: skip


@use_case
def resend(uow: UnitOfWork, actor: Actor, project_id: int, sync_id: int) -> None:
    """重新上传 a refused record with the next upload round (after its cause is fixed)."""
    actor.must(ACTION, project_id)
    row = sync.resend(uow.session, project_id, sync_id)
    record(uow.session, actor.user_id, "platform.resend", row, None, project_id,
           facts={"kind": row.kind, "object": row.object_key, "reason": row.reason})  # fmt: skip
