"""The plugin's tables (app `phone`): calls, webhook deliveries, customers' phone numbers."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Ticket, User


class PhoneCall(Table, tablename="phone_call"):
    """One call, logged by an agent or reported by the telephone system."""

    #: The telephone system's id of the call; None for calls an agent logged by hand.
    call_id = Varchar(200, null=True, default=None, unique=True)
    #: inbound or outbound
    direction = Varchar(16, default="inbound")
    #: The other party's number in E.164 (as received when it could not be understood).
    number = Varchar(64, default="", index=True)
    #: Our side of the call: the number dialled (inbound) or the caller id used (outbound).
    line = Varchar(64, default="")
    customer = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    agent = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    ticket = ForeignKey(Ticket, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    #: ringing, answered, ended
    state = Varchar(16, default="ended")
    #: answered, missed, voicemail, busy, no_answer, failed; "" while the call is going on
    outcome = Varchar(16, default="")
    duration = Integer(default=0)
    notes = Text(default="")
    recording_url = Text(default="")
    agent_extension = Varchar(32, default="")
    #: manual (an agent logged it) or webhook
    source = Varchar(16, default="manual")
    logged_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    started_at = Timestamptz(default=TimestamptzNow(), index=True)
    answered_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)


class PhoneDelivery(Table, tablename="phone_delivery"):
    """One webhook event received: `key` is `<call id>:<event>`, so a repeat is recognised."""

    key = Varchar(260, unique=True)
    received_at = Timestamptz(default=TimestamptzNow())


class PhoneContact(Table, tablename="phone_contact"):
    """A phone number (E.164) that belongs to a user, so calls from it find their customer."""

    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    number = Varchar(32, unique=True)
    label = Varchar(60, default="")
    created_at = Timestamptz(default=TimestamptzNow())


PHONE_TABLES: list[type[Table]] = [PhoneCall, PhoneDelivery, PhoneContact]
