"""Request limits (请求大小限制), checked before anything is parsed.

Every request may carry at most ``DEFAULT`` bytes; a file upload (multipart) ``UPLOAD``, which
fits a phone photo, a scanned contract or an Excel table; some uploads have their own, smaller
limit.  Werkzeug refuses a larger body from its Content-Length (or while streaming a chunked
one) before the form is parsed, and ``web/errors.py`` answers 413 with the limit.
"""

from __future__ import annotations

from flask import request

MB = 1024 * 1024
DEFAULT = 1 * MB
UPLOAD = 12 * MB
# endpoint → its own limit (the diagram and certificate uploads are small files).
OWN = {
    "inbox.process_deploy": 2 * MB,
    "inbox.api_definitions_deploy": 2 * MB,
    "inbox.api_definitions_validate": 2 * MB,
    "inbox.certificate_register": 1 * MB,
    "enterprise.sign": 1 * MB,
}


def limit_for(endpoint: str | None, mimetype: str) -> int:
    if endpoint in OWN:
        return OWN[endpoint]
    return UPLOAD if mimetype == "multipart/form-data" else DEFAULT


def apply_limit() -> None:
    """before_request: this request's limit (before any view reads the body)."""
    request.max_content_length = limit_for(request.endpoint, request.mimetype)
