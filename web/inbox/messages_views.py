"""消息: the user's own messages (notifications), newest first, paged, with 标为已读 and 全部已读
(CSRF-protected POSTs); and the header's counts (open tasks, unread messages)."""

from flask import g, redirect, render_template, request, url_for

from domain.notifications import KIND_LABELS
from services import notifications
from web.access import guard
from web.extensions import db
from web.forms import int_arg, site_path
from web.inbox import bp
from web.runtime import uow


@bp.route("/messages")
@guard()
def messages():
    page = int_arg("page", request.args, default=1) or 1
    unread = request.args.get("unread") == "1"
    found = notifications.messages(uow(), g.actor, page, unread_only=unread)
    return render_template("inbox/messages.html", found=found, unread=unread,
                           kind_labels=KIND_LABELS)  # fmt: skip


@bp.route("/messages/<int:notification_id>/read", methods=["POST"])
@guard()
def message_read(notification_id: int):
    """标为已读 (and, with ``next``, go where the message points)."""
    notifications.mark_read(uow(), g.actor, notification_id)
    return redirect(site_path(request.form.get("next")) or url_for("inbox.messages"))


@bp.route("/messages/read-all", methods=["POST"])
@guard()
def messages_read_all():
    notifications.mark_all_read(uow(), g.actor)
    return redirect(url_for("inbox.messages"))


@bp.app_context_processor
def header_counts():
    """``header_counts()`` for the header: one query, run only when a page's header asks."""

    def counts() -> dict[str, int]:
        if "header_counts" not in g:
            actor = g.get("actor")
            tasks, unread = notifications.header_counts(db.session, actor) if actor else (0, 0)
            g.header_counts = {"tasks": tasks, "unread": unread}
        return g.header_counts

    return {"header_counts": counts}
