"""Exports of any size: written to a temporary file as the rows are read (never all of them in
memory), then sent from it in chunks.  Written before the answer starts, so a failure is a
clear error page instead of a cut file, and the database session is not held while sending."""

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def send_spooled(out: IO[bytes], name: str, mimetype: str = XLSX) -> Response:
    """Send a written temporary file in chunks, closing (and so removing) it at the end."""
    out.seek(0)

    def chunks() -> Iterator[bytes]:
        with out:
            while chunk := out.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f"attachment; filename={name}"}
    return Response(chunks(), mimetype=mimetype, headers=headers)


def send_text(parts: Iterable[str], name: str, mimetype: str = "text/csv") -> Response:
    """Text parts (a CSV in chunks) spooled as UTF-8 to a temporary file, then sent from it."""
    out = tempfile.TemporaryFile()
    for part in parts:
        out.write(part.encode("utf-8"))
    return send_spooled(out, name, f"{mimetype}; charset=utf-8")
