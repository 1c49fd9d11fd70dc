"""Sign-in with server-side sessions: login, logout, rate limits, password change and reset."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from helpline import signing
from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline.passwords import MIN_LENGTH
from helpline.services import users
from helpline.tables import User
from helpline_web.context import LoginRequired, flash, helpline_of, page
from helpline_web.sessions import DatabaseStore

FAILED_LOGINS_PER_EMAIL = 5
FAILED_LOGINS_PER_IP = 30
LOGIN_WINDOW = 15 * 60
RESET_LINK_LIFETIME = timedelta(hours=1)
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _password_stamp(password_hash: str | None) -> str:
    """Changes when the password does, so old sessions and reset links stop working."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


async def current_viewer(request: Request) -> Actor | None:
    """The signed-in user, or None; cached on the request."""
    state = request.state
    if hasattr(state, "viewer"):
        return state.viewer
    viewer = None
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if user_id:
        row = await User.select(User.password_hash, User.active).where(User.id == user_id).first()
        if (
            row
            and row["active"]
            and request.session.get("stamp") == _password_stamp(row["password_hash"])
        ):
            try:
                viewer = await users.load_actor(helpline_of(request), user_id)
            except NotFound:
                viewer = None
        if viewer is None:
            request.clear_session()
    state.viewer = viewer
    return viewer


async def provide_viewer(request: Request) -> Actor:
    """Pages that need a signed-in user."""
    viewer = await current_viewer(request)
    if viewer is None:
        raise LoginRequired()
    return viewer


ViewerDep = NamedDependency[Actor]


def requires(*codes: str, staff: bool = False) -> Any:
    """A guard: the viewer must hold every code (and be staff, when asked)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        viewer = await current_viewer(connection)  # type: ignore[arg-type]
        if viewer is None:
            raise LoginRequired()
        if (staff and not viewer.staff) or not all(viewer.can(code) for code in codes):
            raise PermissionDeniedException("You do not have permission to open this page.")

    return guard


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@get("/login", name="login")
async def login_form(request: Request, next: FromQuery[str | None] = None) -> Any:
    if await current_viewer(request) is not None:
        return Redirect(_safe_next(next))
    return await page(request, "auth/login.html", next=_safe_next(next), errors={}, email="")


@post("/login", status_code=200)
async def login(request: Request, data: Annotated[dict[str, str], Form]) -> Any:
    helpline = helpline_of(request)
    email = (data.get("email") or "").strip().lower()
    target = _safe_next(data.get("next"))
    limiter = DatabaseStore(helpline, "ratelimit")
    for key, limit in (
        (f"login:{email}", FAILED_LOGINS_PER_EMAIL),
        (f"login-ip:{_client_ip(request)}", FAILED_LOGINS_PER_IP),
    ):
        count = await limiter.get(key)
        if count and int(count) >= limit:
            wait = await limiter.expires_in(key) or LOGIN_WINDOW
            minutes = max(1, -(-wait // 60))
            return await page(
                request,
                "auth/login.html",
                status_code=429,
                next=target,
                email=email,
                errors={
                    "form": "Too many failed sign-in attempts. "
                    f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
                },
            )
    actor = await users.authenticate(helpline, email, data.get("password") or "")
    if actor is None:
        await limiter.increment(f"login:{email}", LOGIN_WINDOW)
        await limiter.increment(f"login-ip:{_client_ip(request)}", LOGIN_WINDOW)
        return await page(
            request,
            "auth/login.html",
            status_code=400,
            next=target,
            email=email,
            errors={"form": "Email or password is not right."},
        )
    await limiter.delete(f"login:{email}")
    row = await User.select(User.password_hash).where(User.id == actor.id).first()
    request.clear_session()  # a fresh session id on sign-in: no fixation
    request.set_session({"user_id": actor.id, "stamp": _password_stamp(row["password_hash"])})
    if target == "/":
        target = "/tickets" if actor.staff else "/portal"
    return Redirect(target, status_code=303)


@post("/logout", status_code=303)
async def logout(request: Request) -> Redirect:
    request.clear_session()
    return Redirect("/login", status_code=303)


@get("/account/password", name="password-form")
async def password_form(request: Request, viewer: ViewerDep) -> Any:
    return await page(request, "auth/password.html", errors={})


@post("/account/password", status_code=200)
async def change_password(
    request: Request, viewer: ViewerDep, data: Annotated[dict[str, str], Form]
) -> Any:
    helpline = helpline_of(request)
    errors: dict[str, str] = {}
    if await users.authenticate(helpline, viewer.email, data.get("current") or "") is None:
        errors["current"] = "This is not your current password."
    new = data.get("new") or ""
    if len(new) < MIN_LENGTH:
        errors["new"] = f"Use at least {MIN_LENGTH} characters."
    elif new != (data.get("confirm") or ""):
        errors["confirm"] = "The two passwords differ."
    if errors:
        return await page(request, "auth/password.html", status_code=400, errors=errors)
    await users.set_password(helpline, viewer.id, new)
    row = await User.select(User.password_hash).where(User.id == viewer.id).first()
    request.set_session({"user_id": viewer.id, "stamp": _password_stamp(row["password_hash"])})
    flash(request, "Your password was changed; other sessions were signed out.", "success")
    return Redirect("/account/password", status_code=303)


async def reset_link(request: Request, user_id: int) -> str:
    """A signed link to set a new password; it dies when used or after an hour."""
    helpline = helpline_of(request)
    row = await User.select(User.password_hash).where(User.id == user_id).first()
    if row is None:
        raise NotFoundException()
    token = signing.sign(
        helpline.settings.secret_key,
        "password-reset",
        {"u": user_id, "s": _password_stamp(row["password_hash"])},
        helpline.now(),
        RESET_LINK_LIFETIME,
    )
    return f"{helpline.settings.base_url.rstrip('/')}/reset/{token}"


@get("/forgot", name="forgot")
async def forgot_form(request: Request) -> Any:
    return await page(request, "auth/forgot.html", sent=False, errors={})


@post("/forgot", status_code=200)
async def forgot(request: Request, data: Annotated[dict[str, str], Form]) -> Any:
    """Send a reset link if the address exists; the answer never says whether it does."""
    helpline = helpline_of(request)
    email = (data.get("email") or "").strip().lower()
    user_id = await users.find_user_id(email) if email else None
    if user_id is not None:
        link = await reset_link(request, user_id)
        delivered = await helpline.hook_first(
            "deliver_notification",
            helpline=helpline,
            recipient=await users.load_actor(helpline, user_id),
            subject="Reset your Helpline password",
            body=f"Open this link within an hour to choose a new password:\n\n{link}\n",
            ticket=None,
        )
        if not delivered:
            import logging

            logging.getLogger("helpline.web").warning(
                "no channel delivers mail; reset link for %s: %s", email, link
            )
    return await page(request, "auth/forgot.html", sent=True, errors={})


async def _reset_user(request: Request, token: str) -> int:
    helpline = helpline_of(request)
    payload = signing.unsign(helpline.settings.secret_key, "password-reset", token, helpline.now())
    row = await User.select(User.password_hash, User.active).where(User.id == payload["u"]).first()
    if row is None or not row["active"] or _password_stamp(row["password_hash"]) != payload["s"]:
        raise Invalid("token", "this link was already used")
    return payload["u"]


@get("/reset/{token:str}", name="reset")
async def reset_form(request: Request, token: FromPath[str]) -> Any:
    try:
        await _reset_user(request, token)
    except Invalid as exc:
        return await page(
            request, "auth/reset.html", status_code=400, token=None, errors={"form": exc.message}
        )
    return await page(request, "auth/reset.html", token=token, errors={})


@post("/reset/{token:str}", status_code=200)
async def reset(
    request: Request, token: FromPath[str], data: Annotated[dict[str, str], Form]
) -> Any:
    try:
        user_id = await _reset_user(request, token)
    except Invalid as exc:
        return await page(
            request, "auth/reset.html", status_code=400, token=None, errors={"form": exc.message}
        )
    new = data.get("new") or ""
    if len(new) < MIN_LENGTH or new != data.get("confirm"):
        error = (
            f"Use at least {MIN_LENGTH} characters."
            if len(new) < MIN_LENGTH
            else "The two passwords differ."
        )
        return await page(
            request, "auth/reset.html", status_code=400, token=token, errors={"new": error}
        )
    await users.set_password(helpline_of(request), user_id, new)
    request.clear_session()
    flash(request, "Your password is set. Please sign in.", "success")
    return Redirect("/login", status_code=303)


def login_redirect(request: Request, exc: HTTPException) -> Response:
    """Where an anonymous visitor lands when a page needs a signed-in user."""
    target = "/login?next=" + request.url.path
    if request.headers.get("hx-request"):
        return Response(b"", status_code=200, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


AUTH_ROUTES = [
    login_form,
    login,
    logout,
    password_form,
    change_password,
    forgot_form,
    forgot,
    reset_form,
    reset,
]
