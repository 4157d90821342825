"""Exports sent as they are produced: an .xlsx from its temporary file in chunks, a CSV from a
generator of text (the request context, and so the database session, stays open meanwhile)."""

from collections.abc import Iterable, Iterator
from typing import IO

from flask import Response, stream_with_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={name}"}


def send_spooled(out: IO[bytes], name: str, mimetype: str = XLSX) -> Response:
    """Send a written temporary file in chunks, closing (and so removing) it at the end."""
    out.seek(0)

    def chunks() -> Iterator[bytes]:
        with out:
            while chunk := out.read(CHUNK):
                yield chunk

    return Response(chunks(), mimetype=mimetype, headers=_attachment(name))


def stream_text(parts: Iterable[str], name: str, mimetype: str = "text/csv") -> Response:
    """Stream text parts (UTF-8) as a download while they are produced."""
    body = stream_with_context(part.encode("utf-8") for part in parts)
    return Response(body, mimetype=f"{mimetype}; charset=utf-8", headers=_attachment(name))
