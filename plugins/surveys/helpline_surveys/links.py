"""Signed answer links: bound to one sent survey, its ticket and its customer; expire on close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpline import signing
from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline_surveys.tables import SurveysSent

PURPOSE = "surveys.answer"


def token_for(helpline: Helpline, sent: dict[str, Any]) -> str:
    """A token for this sent survey, valid until it closes (at least a minute)."""
    now = helpline.now()
    lifetime = max((sent["closes_at"] or now) - now, timedelta(minutes=1))
    payload = {"s": sent["id"], "t": sent["ticket"] or 0, "c": sent["customer"]}
    return signing.sign(helpline.settings.secret_key, PURPOSE, payload, now, lifetime)


def url_for(helpline: Helpline, sent: dict[str, Any], rating: int | None = None) -> str:
    base = helpline.settings.base_url.rstrip("/")
    url = f"{base}/p/surveys/a/{token_for(helpline, sent)}"
    return url if rating is None else f"{url}?r={rating}"


async def open_token(helpline: Helpline, token: str) -> dict[str, Any]:
    """The sent survey a token names; Invalid('token') if forged, expired or bound elsewhere."""
    payload = signing.unsign(helpline.settings.secret_key, PURPOSE, token, helpline.now())
    sent_id, ticket_id, customer_id = payload.get("s"), payload.get("t"), payload.get("c")
    if not isinstance(sent_id, int):
        raise Invalid("token", "this link is not valid")
    row = await SurveysSent.select().where(SurveysSent.id == sent_id).first()
    # The token must name the very survey, ticket and customer the row holds: a token of one
    # survey never opens another's, even if someone swaps the ids inside it.
    if row is None or (row["ticket"] or 0) != ticket_id or row["customer"] != customer_id:
        raise Invalid("token", "this link is not valid")
    return row
