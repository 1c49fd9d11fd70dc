"""Bearer-token authentication for `/api/v1`."""

from __future__ import annotations

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services.users import actor_for_token


async def provide_helpline(request: Request) -> Helpline:
    return request.app.state.helpline


async def provide_actor(request: Request) -> Actor:
    """The caller named by `Authorization: Bearer <token>`; 401 without a valid one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    helpline: Helpline = request.app.state.helpline
    actor = await actor_for_token(helpline, token.strip())
    if actor is None:
        raise NotAuthorizedException(
            "invalid or expired token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return actor


#: Handler parameter types for the runtime and the authenticated caller.
HelplineDep = NamedDependency[Helpline]
ActorDep = NamedDependency[Actor]
