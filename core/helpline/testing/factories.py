"""Test data factories and an API client carrying a bearer token."""

from __future__ import annotations

import itertools
from typing import Any

from helpline.model import Actor, Ticket
from helpline.services import tickets, users
from helpline.services.users import load_actor

_SEQ = itertools.count(1)


class Factory:
    def __init__(self, helpline: Any) -> None:
        self.helpline = helpline
        self._admin: Actor | None = None

    async def user(
        self,
        role: str = "agent",
        *,
        email: str | None = None,
        name: str | None = None,
        password: str | None = None,
        teams: list[int] = (),
        organization: int | None = None,
    ) -> Actor:
        n = next(_SEQ)
        actor = await users.create_user(
            self.helpline,
            email=email or f"{role}{n}@example.com",
            name=name or f"{role.title()} {n}",
            role=role,
            password=password,
            organization_id=organization,
        )
        if teams:
            from helpline.tables import TeamMember

            for team in teams:
                await TeamMember.insert(TeamMember(team=team, user=actor.id))
            actor = await load_actor(self.helpline, actor.id)
        return actor

    async def team(self, name: str | None = None, members: list[Actor] = ()) -> int:
        return await users.create_team(
            self.helpline, name or f"Team {next(_SEQ)}", [m.id for m in members]
        )

    async def organization(
        self, name: str | None = None, domain: str | None = None, shared: bool = False
    ) -> int:
        n = next(_SEQ)
        return await users.create_organization(
            self.helpline, name or f"Org {n}", domain=domain, shared_tickets=shared
        )

    async def ticket(
        self, requester: Actor | None = None, by: Actor | None = None, **fields: Any
    ) -> Ticket:
        """A ticket opened by `by` (an admin by default) for `requester` (a new customer)."""
        if by is None:
            if self._admin is None:
                self._admin = await self.user("admin")
            by = self._admin
        requester = requester or await self.user("customer")
        fields.setdefault("subject", f"Ticket {next(_SEQ)}")
        fields.setdefault("body", "Something does not work.")
        if by.id != requester.id:
            fields.setdefault("requester", requester.email)
        return await tickets.create_ticket(self.helpline, by, **fields)

    async def token(self, actor: Actor) -> str:
        return await users.create_token(self.helpline, actor.id, name="test")


class ApiClient:
    """Wraps the test client, adding `Authorization: Bearer <token>` to every request."""

    def __init__(self, client: Any, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Any:
        return await self.request("POST", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> Any:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> Any:
        return await self.request("DELETE", url, **kwargs)


class WebClient:
    """A browser-like client: keeps cookies and sends the CSRF token on state-changing requests."""

    def __init__(self, http: Any) -> None:
        self.http = http

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if method not in ("GET", "HEAD", "OPTIONS"):
            if "helpline_csrf" not in self.http.cookies:
                await self.http.get("/login")
            headers = {
                "x-csrftoken": self.http.cookies.get("helpline_csrf", ""),
                **kwargs.pop("headers", {}),
            }
            kwargs["headers"] = headers
        return await self.http.request(method, url, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Any:
        return await self.request("POST", url, **kwargs)

    @property
    def cookies(self) -> Any:
        return self.http.cookies
