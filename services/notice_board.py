"""Rights notice board use cases (维权信息告示牌): the GC manager saves what the board says;
the rules and the audit entry are in ``domain.notice_board``."""

from __future__ import annotations

from connectors.notice_board_pdf import render_notice_board_pdf
from domain import notice_board
from domain.access import Actor
from domain.clock import shanghai_time
from domain.model import NoticeBoard
from services.uow import UnitOfWork, use_case


@use_case
def save_notice_board(uow: UnitOfWork, actor: Actor, project_id: int, form: dict) -> NoticeBoard:
    """告示牌信息 → 保存."""
    return notice_board.save_board(uow.session, actor, project_id, form)


def notice_board_pdf(uow: UnitOfWork, actor: Actor, project_id: int, login_url: str) -> bytes:
    """The project's board as an A3 PDF (a read: nothing is written), dated in Shanghai."""
    today = shanghai_time(uow.clock()).date()
    sheet = notice_board.notice_sheet(uow.session, actor, project_id, login_url, today)
    return render_notice_board_pdf(sheet)
