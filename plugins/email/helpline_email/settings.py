"""`[plugin.email]` settings in helpline.toml; every key has a default."""

from __future__ import annotations

from urllib.parse import urlparse

import msgspec


class EmailSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Address of the mailbox created on first use; empty: `support@<host of base_url>`.
    default_address: str = ""
    default_name: str = "Support"
    #: Larger messages are kept (raw) and quarantined instead of becoming tickets.
    max_message_bytes: int = 50 * 1024 * 1024
    #: Automatic mails (acknowledgements, notifications) one address may get, per hour and day.
    auto_per_hour: int = 5
    auto_per_day: int = 20
    #: How often the worker polls IMAP mailboxes.
    fetch_interval_seconds: int = 60
    #: Tries of one outbound mail before it is shown as failed on its ticket.
    send_attempts: int = 5
    smtp_timeout_seconds: float = 30.0
    imap_timeout_seconds: float = 30.0
    lmtp_host: str = "127.0.0.1"
    lmtp_port: int = 2424


def email_settings(helpline) -> EmailSettings:
    return helpline.plugin_settings.get("email") or EmailSettings()


def default_address(helpline) -> str:
    configured = email_settings(helpline).default_address.strip().lower()
    if configured:
        return configured
    host = (urlparse(helpline.settings.base_url).hostname or "").lower()
    if "." not in host or host.replace(".", "").isdigit() or ":" in host:
        host = "helpline.localhost"  # RFC 2606: never a real domain; admins set the real one
    return f"support@{host}"
