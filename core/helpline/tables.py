"""The core's tables (Piccolo app `core`). State changes go through `helpline.services`."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Array,
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class Organization(Table, tablename="organization"):
    """A customer company; members may see each other's tickets when `shared_tickets` is on."""

    name = Varchar(200, unique=True)
    domain = Varchar(200, null=True, default=None, index=True)
    shared_tickets = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Role(Table, tablename="role"):
    """A named set of permission codes. `staff` roles are agents; the rest are customers."""

    name = Varchar(64, unique=True)
    label = Varchar(100)
    staff = Boolean(default=True)
    builtin = Boolean(default=False)
    permissions = Array(Varchar(100))


class User(Table, tablename="users"):
    email = Varchar(254, unique=True)
    name = Varchar(200)
    password_hash = Varchar(200, null=True, default=None)
    role = ForeignKey(Role, on_delete=OnDelete.restrict)
    organization = ForeignKey(Organization, null=True, on_delete=OnDelete.set_null, index=True)
    timezone = Varchar(64, default="UTC")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class Team(Table, tablename="team"):
    name = Varchar(100, unique=True)
    description = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class TeamMember(Table, tablename="team_member"):
    team = ForeignKey(Team, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True)


class Status(Table, tablename="status"):
    """A ticket status; `category` is what SLA and reports reason about."""

    name = Varchar(64, unique=True)
    label = Varchar(100)
    category = Varchar(16)
    position = Integer(default=0)
    active = Boolean(default=True)


class Priority(Table, tablename="priority"):
    name = Varchar(64, unique=True)
    label = Varchar(100)
    rank = Integer(default=0)
    active = Boolean(default=True)


class TicketType(Table, tablename="ticket_type"):
    name = Varchar(64, unique=True)
    label = Varchar(100)
    position = Integer(default=0)
    active = Boolean(default=True)


class Counter(Table, tablename="counter"):
    """Named counters; `ticket_number` hands out human ticket numbers without gaps in order."""

    name = Varchar(64, unique=True)
    value = BigInt(default=0)


class Ticket(Table, tablename="ticket"):
    number = BigInt(unique=True)
    subject = Varchar(300)
    status = Varchar(64)
    #: The status's category, kept beside it so queues and reports filter without a join.
    status_category = Varchar(16, index=True)
    priority = Varchar(64, index=True)
    type = Varchar(64)
    requester = ForeignKey(User, on_delete=OnDelete.restrict, index=True)
    organization = ForeignKey(Organization, null=True, on_delete=OnDelete.set_null, index=True)
    assignee = ForeignKey(User, null=True, on_delete=OnDelete.set_null, index=True)
    team = ForeignKey(Team, null=True, on_delete=OnDelete.set_null, index=True)
    channel = Varchar(32, default="web")
    custom_fields = JSON(default="{}")
    merged_into = ForeignKey(
        LazyTableReference("Ticket", module_path=__name__),
        null=True,
        on_delete=OnDelete.set_null,
    )
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
    first_response_at = Timestamptz(null=True, default=None)
    solved_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class Tag(Table, tablename="tag"):
    name = Varchar(64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class TicketTag(Table, tablename="ticket_tag"):
    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade)
    tag = Varchar(64, index=True)


class Message(Table, tablename="message"):
    """A public reply, an internal note or a system message on a ticket."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade)
    author = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(16)
    body = Text()
    body_html = Text()
    channel = Varchar(32, default="web")
    meta = JSON(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())


class Attachment(Table, tablename="attachment"):
    """A file attached to a ticket; the bytes live content-addressed under the data dir."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    message = ForeignKey(Message, null=True, on_delete=OnDelete.cascade, index=True)
    uploaded_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    sha256 = Varchar(64, index=True)
    filename = Varchar(255)
    content_type = Varchar(255)
    size = BigInt()
    created_at = Timestamptz(default=TimestamptzNow())


class TicketEvent(Table, tablename="ticket_event"):
    """Immutable history: who changed what on a ticket, from which value to which."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade)
    actor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    #: Who acted when no user did, e.g. `rule:12` or `plugin:email`.
    via = Varchar(100, null=True, default=None)
    kind = Varchar(32)
    field = Varchar(64, null=True, default=None)
    old = Text(null=True, default=None)
    new = Text(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class ApiToken(Table, tablename="api_token"):
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(100, default="")
    #: sha256 of the token; the token itself is shown once and never stored.
    token_hash = Varchar(64, unique=True)
    prefix = Varchar(16)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    revoked = Boolean(default=False)


class Job(Table, tablename="job"):
    """Durable background work, enqueued in the transaction of the change that caused it."""

    kind = Varchar(100)
    payload = JSON(default="{}")
    #: queued, running, done, dead
    status = Varchar(16, default="queued")
    attempts = Integer(default=0)
    max_attempts = Integer(default=5)
    run_at = Timestamptz(default=TimestamptzNow())
    #: At most one queued or running job per key (e.g. one SLA timer per ticket).
    key = Varchar(200, null=True, default=None)
    locked_by = Varchar(100, null=True, default=None)
    locked_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class PluginState(Table, tablename="plugin_state"):
    """Whether an installed plugin is enabled, and its settings; changed at run time by admins."""

    name = Varchar(100, unique=True)
    enabled = Boolean(default=True)
    settings = JSON(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


class WebSession(Table, tablename="web_session"):
    """Server-side web sessions, shared by every web worker and node."""

    key = Varchar(128, unique=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class AuditLog(Table, tablename="audit_log"):
    """What admins changed: users, roles, teams, settings, plugins, tokens."""

    actor = ForeignKey(User, null=True, on_delete=OnDelete.set_null, index=True)
    action = Varchar(100, index=True)
    target = Varchar(200, default="")
    details = JSON(default="{}")
    ip = Varchar(64, null=True, default=None)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class SavedView(Table, tablename="saved_view"):
    """A named ticket-list filter an agent keeps in the sidebar."""

    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(100)
    query = Text()
    position = Integer(default=0)


CORE_TABLES: list[type[Table]] = [
    Organization,
    Role,
    User,
    Team,
    TeamMember,
    Status,
    Priority,
    TicketType,
    Counter,
    Ticket,
    Tag,
    TicketTag,
    Message,
    Attachment,
    TicketEvent,
    ApiToken,
    Job,
    PluginState,
    WebSession,
    AuditLog,
    SavedView,
]
