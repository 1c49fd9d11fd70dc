"""The plugin's tables (app `surveys`): settings, custom surveys, what was sent, the answers."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Ticket, User


class SurveysConfig(Table, tablename="surveys_config"):
    """Settings admins changed in the UI, as JSON (one row named `settings`)."""

    name = Varchar(64, unique=True)
    value = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


class SurveysSurvey(Table, tablename="surveys_survey"):
    """A custom survey an admin built; `questions` is a JSON list of {key, kind, text, choices}."""

    slug = Varchar(64, unique=True)
    name = Varchar(200)
    active = Boolean(default=True)
    #: solved, created or schedule
    trigger = Varchar(16, default="solved")
    delay_minutes = Integer(default=0)
    #: A cron expression, for trigger = schedule.
    schedule = Varchar(100, default="")
    #: all, organization or tag
    audience = Varchar(16, default="all")
    audience_value = Varchar(200, default="")
    questions = Text(default="[]")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SurveysSent(Table, tablename="surveys_sent"):
    """One survey sent (or tried) to one customer: the denominator of the response rate."""

    #: csat, nps or a custom survey's slug
    kind = Varchar(64, index=True)
    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.cascade, index=True)
    customer = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    #: The ticket's assignee and team when the survey was made (kept if they change later).
    agent_id = Integer(null=True, default=None)
    team_id = Integer(null=True, default=None)
    #: NPS and scheduled rounds: the round's start in ISO 8601; "" for ticket surveys.
    round = Varchar(40, default="")
    #: queued, sent, failed
    status = Varchar(16, default="queued")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)


class SurveysAnswer(Table, tablename="surveys_answer"):
    """The customer's answer to one sent survey; changed in place while the survey is open."""

    sent = ForeignKey(SurveysSent, on_delete=OnDelete.cascade, unique=True)
    kind = Varchar(64, index=True)
    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.cascade, index=True)
    customer = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    agent_id = Integer(null=True, default=None, index=True)
    team_id = Integer(null=True, default=None, index=True)
    #: CSAT 1-5 (good = 5, bad = 1), NPS 0-10, custom: the first rating question; may be null.
    score = Integer(null=True, default=None)
    comment = Text(default="")
    #: JSON list of reasons picked (CSAT).
    reasons = Text(default="[]")
    #: JSON object: every question's key → answer.
    answers = Text(default="{}")
    #: How many times the customer changed the answer after giving it.
    changes = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    changed_at = Timestamptz(default=TimestamptzNow())


SURVEYS_TABLES: list[type[Table]] = [SurveysConfig, SurveysSurvey, SurveysSent, SurveysAnswer]
