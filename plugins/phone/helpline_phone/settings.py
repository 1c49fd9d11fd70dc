"""`[plugin.phone]` in helpline.toml."""

from __future__ import annotations

import msgspec

from helpline.runtime import Helpline


class PhoneSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Region (ISO 3166 code) for numbers written without a country code, e.g. "(202) 555-0143".
    default_region: str = "US"
    #: Shared secret of the telephony webhook; empty turns the webhook off.
    webhook_secret: str = ""
    #: Agents' desk extensions: {"101": "grace@example.com"}, for events that name one.
    extensions: dict[str, str] = {}
    #: Open a "Call back" ticket for a missed inbound call or a voicemail.
    callback_tickets: bool = True


def settings_of(helpline: Helpline) -> PhoneSettings:
    found = helpline.plugin_settings.get("phone")
    return found if isinstance(found, PhoneSettings) else PhoneSettings()
