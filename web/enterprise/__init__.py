"""企业端 (the general contractor's enterprise portal): the wage files of all its projects that
wait for its signature; signing with its own certificate (PKCS#12 + password, never stored)."""

from flask import Blueprint

bp = Blueprint("enterprise", __name__)

from web.enterprise import views  # noqa: E402,F401
