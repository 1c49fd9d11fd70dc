"""The email plugin's tables (Piccolo app `email`), all prefixed `email_`."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Message, Team, Ticket


class Mailbox(Table, tablename="email_mailbox"):
    """An address customers write to, with where its tickets go and how its mail arrives."""

    address = Varchar(254, unique=True)
    #: Display name of outbound mail ("Acme Support").
    name = Varchar(200, default="")
    team = ForeignKey(Team, null=True, on_delete=OnDelete.set_null)
    priority = Varchar(64, default="")
    #: Comma-separated tags for new tickets.
    tags = Text(default="")
    #: pipe, imap or lmtp: how mail reaches this mailbox.
    method = Varchar(16, default="pipe")
    imap_host = Varchar(255, default="")
    imap_port = Integer(default=993)
    #: tls (implicit, port 993), starttls, or none (only for servers on this machine).
    imap_security = Varchar(16, default="tls")
    imap_verify = Boolean(default=True)
    imap_user = Varchar(255, default="")
    imap_password = Varchar(255, default="")
    imap_folder = Varchar(255, default="INBOX")
    #: What happens to a fetched message once stored: seen (flag), move, or delete.
    imap_after = Varchar(16, default="seen")
    imap_move_to = Varchar(255, default="")
    #: A reply to a closed ticket: reopen it, or open a linked follow-up.
    closed_reply = Varchar(16, default="reopen")
    #: Outbound server for this mailbox; empty means the `smtp_url` setting.
    smtp_url = Varchar(500, default="")
    #: Acknowledge new tickets by mail.
    acknowledge = Boolean(default=True)
    active = Boolean(default=True)
    is_default = Boolean(default=False)
    last_fetch_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Inbound(Table, tablename="email_inbound"):
    """One received message: the raw bytes (a blob) first, then what became of it."""

    mailbox = ForeignKey(Mailbox, null=True, on_delete=OnDelete.set_null, index=True)
    #: `<mailbox id>:<Message-ID>` (or the sha256 without one): a delivery stored once.
    dedupe_key = Varchar(600, unique=True)
    message_id = Varchar(500, default="", index=True)
    sha256 = Varchar(64)
    size = Integer(default=0)
    from_address = Varchar(254, default="")
    subject = Varchar(300, default="")
    #: pipe, imap, lmtp, reprocess
    source = Varchar(16, default="pipe")
    #: received (stored, not processed yet), processed, quarantined, ignored
    status = Varchar(16, default="received", index=True)
    #: created, appended, ignored, quarantined
    action = Varchar(16, default="")
    reason = Text(default="")
    error = Text(null=True, default=None)
    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.set_null, index=True)
    message = ForeignKey(Message, null=True, on_delete=OnDelete.set_null)
    received_at = Timestamptz(default=TimestamptzNow(), index=True)
    processed_at = Timestamptz(null=True, default=None)


class ThreadRef(Table, tablename="email_thread"):
    """Message-IDs seen or sent on a ticket: what replies' References are matched against."""

    message_id = Varchar(500, index=True)
    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    message = ForeignKey(Message, null=True, on_delete=OnDelete.set_null)
    #: in or out
    direction = Varchar(8, default="in")
    created_at = Timestamptz(default=TimestamptzNow())


class Outbound(Table, tablename="email_outbound"):
    """A mail to send (agent reply, acknowledgement, notification) and how sending went."""

    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.cascade, index=True)
    message = ForeignKey(Message, null=True, on_delete=OnDelete.set_null)
    mailbox = ForeignKey(Mailbox, null=True, on_delete=OnDelete.set_null)
    #: Template name: agent_reply, new_ticket, assigned, customer_replied, notification
    kind = Varchar(32)
    #: Automatic mail (not written by a person): rate-capped, marked Auto-Submitted.
    automatic = Boolean(default=True)
    recipient = Varchar(254, index=True)
    cc = Text(default="")
    subject = Varchar(500, default="")
    message_id = Varchar(500, default="")
    in_reply_to = Varchar(500, default="")
    references = Text(default="")
    #: Template context that is not on the ticket (e.g. a notification's text).
    payload = JSON(default="{}")
    #: queued, sent, failed, suppressed
    status = Varchar(16, default="queued", index=True)
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
    job_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)


class Address(Table, tablename="email_address"):
    """What the channel knows about an address: whether mail to it bounces."""

    address = Varchar(254, unique=True)
    bouncing = Boolean(default=False)
    bounce_reason = Text(default="")
    bounce_count = Integer(default=0)
    bounced_at = Timestamptz(null=True, default=None)


class Follower(Table, tablename="email_follower"):
    """Someone copied on a ticket's mail: offered when CC'd, a follower once an agent agrees."""

    #: `<ticket id>:<address>`: one row per person and ticket.
    key = Varchar(300, unique=True)
    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    address = Varchar(254)
    name = Varchar(200, default="")
    #: suggested or follower
    state = Varchar(16, default="suggested")
    created_at = Timestamptz(default=TimestamptzNow())


class MailTemplate(Table, tablename="email_template"):
    """An admin's version of a notification template (the defaults live in code)."""

    name = Varchar(64, unique=True)
    subject = Text()
    body = Text()
    updated_at = Timestamptz(default=TimestamptzNow())


EMAIL_TABLES: list[type[Table]] = [
    Mailbox,
    Inbound,
    ThreadRef,
    Outbound,
    Address,
    Follower,
    MailTemplate,
]
