"""Service task of ``bpmn/makeup_signin.bpmn``: ``signin/DecideMakeup`` applies the decision."""

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from domain.signin.makeup import decide_makeup


@cache
def _factory(url: str) -> sessionmaker:
    return sessionmaker(sa.create_engine(url))


def register(registry, config):
    """Register the sign-in operators, bound to the app's database."""
    url = config["SQLALCHEMY_DATABASE_URI"]

    def decide(params: dict, ctx) -> dict:
        with _factory(url)() as session:  # its own session: connectors run outside instance locks
            return decide_makeup(
                session,
                int(params["request_id"]),
                bool(params.get("approved")),
                str(params.get("comment") or ""),
            )

    registry.register("signin/DecideMakeup", decide)
    return decide
