"""Security headers (安全响应头) on every answer, and the nonce of the page's own scripts.

Scripts run only from this origin or with the request's nonce (no ``unsafe-inline``); styles
may be inline (bpmn-js and htmx set element styles).  Nothing frames the site; the camera and
geolocation are for this origin only.  Every answer but a static file is ``no-store``: pages,
API answers and files carry personal data (names, masked IDs, photos, wage amounts).
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request

PERMISSIONS = ("camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), "
               "interest-cohort=()")  # fmt: skip


def csp_nonce() -> str:
    """This request's script nonce (templates: ``<script nonce="{{ csp_nonce() }}">``)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def install(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = policy(csp_nonce())
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store, private"
        return response
