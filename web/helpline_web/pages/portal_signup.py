"""Customer self-sign-up: `/portal/signup` creates a customer account and signs it in."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from helpline.errors import Invalid
from helpline.passwords import MIN_LENGTH
from helpline.services import users
from helpline.tables import User
from helpline_web.auth import _client_ip, _password_stamp, current_viewer
from helpline_web.context import flash, helpline_of, page
from helpline_web.pages.portal_common import context_helpers
from helpline_web.sessions import DatabaseStore

#: Sign-up attempts per address per hour: enough for an office behind one IP, not for a bot.
SIGNUPS_PER_IP = 20
SIGNUP_WINDOW = 60 * 60
TEMPLATE = "portal/signup.html"


async def _render(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Any:
    return await page(
        request,
        TEMPLATE,
        status_code=status_code,
        values=values,
        errors=errors,
        min_length=MIN_LENGTH,
        **context_helpers(None),
    )


@get("/portal/signup", name="portal-signup")
async def signup_form(request: Request) -> Any:
    if await current_viewer(request) is not None:
        return Redirect("/", status_code=303)
    return await _render(request, {"name": "", "email": ""}, {})


async def _check(values: dict[str, str], password: str, confirm: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Please tell us your name."
    elif len(values["name"]) > 200:
        errors["name"] = "Please use at most 200 characters."
    if not values["email"]:
        errors["email"] = "Please enter your email address."
    elif len(values["email"]) > 254:
        errors["email"] = "This email address is too long."
    else:
        try:
            values["email"] = users.normalize_email(values["email"])
        except Invalid:
            errors["email"] = "This does not look like an email address."
        else:
            if await users.find_user_id(values["email"]) is not None:
                errors["email"] = "An account with this email already exists."
    if len(password) < MIN_LENGTH:
        errors["password"] = f"Use at least {MIN_LENGTH} characters."
    elif password != confirm:
        errors["confirm"] = "The two passwords differ."
    return errors


@post("/portal/signup", status_code=200)
async def signup(
    request: Request,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Any:
    helpline = helpline_of(request)
    values = {"name": (data.get("name") or "").strip(), "email": (data.get("email") or "").strip()}
    password, confirm = data.get("password") or "", data.get("confirm") or ""
    limiter = DatabaseStore(helpline, "ratelimit")
    key = f"signup-ip:{_client_ip(request)}"
    attempts = await limiter.get(key)
    if attempts and int(attempts) >= SIGNUPS_PER_IP:
        errors = {"form": "Too many sign-ups from your network. Please try again in an hour."}
        return await _render(request, values, errors, status_code=429)
    await limiter.increment(key, SIGNUP_WINDOW)
    errors = await _check(values, password, confirm)
    if not errors:
        try:
            actor = await users.create_user(
                helpline,
                email=values["email"],
                name=values["name"],
                role="customer",
                password=password,
            )
        except Invalid as exc:
            # Another sign-up with the same address may have won the race since the check.
            errors[exc.field if exc.field in values or exc.field == "password" else "form"] = (
                "An account with this email already exists."
                if "already exists" in exc.message
                else exc.message
            )
    if errors:
        return await _render(request, values, errors, status_code=400)
    row = await User.select(User.password_hash).where(User.id == actor.id).first()
    request.clear_session()  # the same fresh session as a sign-in: no fixation
    request.set_session({"user_id": actor.id, "stamp": _password_stamp(row["password_hash"])})
    flash(request, f"Welcome, {actor.name}! Your account is ready.", "success")
    return Redirect("/portal", status_code=303)


ROUTES = [signup_form, signup]
