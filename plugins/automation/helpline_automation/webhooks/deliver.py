"""The `webhooks.deliver` job: one signed POST, logged; retried with backoff; switch-off."""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from datetime import timedelta
from typing import Any

import httpx

from helpline.runtime import Helpline
from helpline_automation.webhooks import notify, queue, signing, targets
from helpline_automation.webhooks.tables import WebhookAttempt, WebhookDelivery
from helpline_automation.webhooks.tables import WebhookSubscription as Subscription

USER_AGENT = "Helpline-Webhooks/1"
EXCERPT_CHARS = 1000


class Outcome:
    """What one attempt gave: a status code and response excerpt, or an error."""

    def __init__(self) -> None:
        self.status_code: int | None = None
        self.excerpt = ""
        self.error = ""
        self.duration_ms = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs ~70 ms, more than a whole local delivery."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def headers(event: str, uid: str, secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    sent = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Helpline-Event": event,
        "X-Helpline-Delivery": uid,
        "X-Helpline-Timestamp": str(timestamp),
    }
    if secret:
        sent["X-Helpline-Signature"] = signing.signature(secret, timestamp, body)
    return sent


async def post(helpline: Helpline, url: str, sent: dict[str, str], body: bytes) -> Outcome:
    """POST to the address checked by `targets.resolve`; no redirects; a capped body read."""
    settings = helpline.plugin_settings["webhooks"]
    outcome = Outcome()
    started = time.monotonic()
    try:
        addresses = await targets.resolve(url, settings.allow_private_targets)
        target = httpx.URL(url)
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        # Identity encoding: the capped read below then caps what is stored, not a zip bomb.
        request_headers = {
            **sent,
            "Host": target.netloc.decode("ascii"),
            "Accept-Encoding": "identity",
        }
        async with (
            asyncio.timeout(settings.timeout_seconds),
            httpx.AsyncClient(
                timeout=settings.timeout_seconds,
                follow_redirects=False,
                trust_env=False,
                verify=tls_context(),
            ) as client,
        ):
            # A name may have several checked addresses (`localhost`: ::1 and 127.0.0.1).
            for index, address in enumerate(addresses):
                request = client.build_request(
                    "POST",
                    target.copy_with(host=str(address)),
                    content=body,
                    headers=request_headers,
                    extensions=extensions,
                )
                try:
                    response = await client.send(request, stream=True)
                    break
                except httpx.ConnectError:
                    if index == len(addresses) - 1:
                        raise
            try:
                outcome.status_code = response.status_code
                kept = bytearray()
                async for chunk in response.aiter_raw():
                    kept += chunk[: settings.max_response_bytes - len(kept)]
                    if len(kept) >= settings.max_response_bytes:
                        break  # the rest is never read
            finally:
                await response.aclose()
        outcome.excerpt = bytes(kept).decode("utf-8", "replace")[:EXCERPT_CHARS]
        if 300 <= response.status_code < 400:
            outcome.error = f"redirect to {response.headers.get('location', '?')} not followed"
        elif not outcome.ok:
            outcome.error = f"HTTP {response.status_code}"
    except targets.TargetRefused as exc:
        outcome.error = f"refused: {exc}"
    except TimeoutError:
        outcome.error = f"timed out after {settings.timeout_seconds:g} s"
    except httpx.HTTPError as exc:
        outcome.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except OSError as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def retry_delay(helpline: Helpline, attempts: int) -> timedelta:
    """30 s, 60 s, 120 s, … (settings) after the 1st, 2nd, 3rd failed attempt, at most 1 h."""
    settings = helpline.plugin_settings["webhooks"]
    seconds = settings.retry_base_seconds * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.retry_max_seconds))


async def _load(delivery_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
    delivery = await WebhookDelivery.select().where(WebhookDelivery.id == delivery_id).first()
    if delivery is None:
        return None
    subscription = (
        await Subscription.select().where(Subscription.id == delivery["subscription"]).first()
    )
    return (delivery, subscription) if subscription else None


async def on_deliver(helpline: Helpline, payload: dict[str, Any]) -> None:
    """Job handler: attempt one delivery; HTTP failures are logged and rescheduled, not raised."""
    loaded = await _load(payload["delivery"])
    if loaded is None:
        return  # the subscription was deleted, and its deliveries with it
    delivery, subscription = loaded
    if delivery["status"] != "pending":
        return
    if not subscription["active"]:
        await WebhookDelivery.update(
            {
                WebhookDelivery.status: "cancelled",
                WebhookDelivery.last_error: "the webhook is switched off",
                WebhookDelivery.next_attempt_at: None,
                WebhookDelivery.finished_at: helpline.now(),
            }
        ).where(WebhookDelivery.id == delivery["id"])
        return
    body = delivery["body"].encode()
    sent = headers(
        delivery["event"],
        delivery["uid"],
        subscription["secret"],
        body,
        int(helpline.now().timestamp()),
    )
    outcome = await post(helpline, subscription["url"], sent, body)
    switched_off = await record(helpline, delivery, subscription, outcome)
    if switched_off:
        await notify.tell_managers(helpline, subscription, switched_off)


async def record(
    helpline: Helpline, delivery: dict[str, Any], subscription: dict[str, Any], outcome: Outcome
) -> str:
    """Log the attempt and move the delivery on; returns why the webhook was switched off, if."""
    settings = helpline.plugin_settings["webhooks"]
    now = helpline.now()
    attempts = delivery["attempts"] + 1
    reason = ""
    retry_at = None
    async with helpline.transaction():
        logged = await WebhookAttempt.count().where(WebhookAttempt.delivery == delivery["id"])
        await WebhookAttempt.insert(
            WebhookAttempt(
                delivery=delivery["id"],
                number=logged + 1,
                at=now,
                status_code=outcome.status_code,
                duration_ms=outcome.duration_ms,
                response_excerpt=outcome.excerpt,
                error=outcome.error[:2000],
            )
        )
        values: dict[Any, Any] = {
            WebhookDelivery.attempts: attempts,
            WebhookDelivery.last_status_code: outcome.status_code,
            WebhookDelivery.last_error: outcome.error[:2000],
            WebhookDelivery.next_attempt_at: None,
        }
        if outcome.ok:
            values |= {WebhookDelivery.status: "succeeded", WebhookDelivery.finished_at: now}
            await Subscription.update({Subscription.consecutive_failures: 0}).where(
                Subscription.id == subscription["id"], Subscription.consecutive_failures > 0
            )
        else:
            failures = await _count_failure(subscription["id"])
            off = failures >= settings.disable_after_failures
            if off:
                why = f"{failures} times in a row (last: {outcome.error})"
                reason = why if await _switch_off(helpline, subscription, why) else ""
            if attempts >= settings.max_attempts or off:
                values |= {WebhookDelivery.status: "failed", WebhookDelivery.finished_at: now}
            else:
                retry_at = now + retry_delay(helpline, attempts)
        await WebhookDelivery.update(values).where(WebhookDelivery.id == delivery["id"])
        if retry_at is not None:
            await queue.schedule(helpline, delivery["id"], retry_at)
    return reason


async def _count_failure(subscription_id: int) -> int:
    rows = await Subscription.raw(
        "UPDATE webhooks_subscription SET consecutive_failures = consecutive_failures + 1 "
        "WHERE id = {} RETURNING consecutive_failures",
        subscription_id,
    )
    return rows[0]["consecutive_failures"] if rows else 0


async def _switch_off(helpline: Helpline, subscription: dict[str, Any], reason: str) -> bool:
    """Switch off; False when another worker's failure already did (audit and tell once)."""
    rows = await Subscription.raw(
        "UPDATE webhooks_subscription SET active = {}, disabled_reason = {}, disabled_at = {} "
        "WHERE id = {} AND active = {} RETURNING id",
        False,
        f"Switched off after failing {reason}.",
        helpline.now(),
        subscription["id"],
        True,
    )
    if rows:
        await queue.cancel_pending(helpline, subscription["id"])
        await notify.record_disabled(helpline, subscription, reason)
    return bool(rows)
