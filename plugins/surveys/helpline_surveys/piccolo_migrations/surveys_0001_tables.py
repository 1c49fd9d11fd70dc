"""The surveys plugin's first tables: config, custom surveys, sent surveys and answers.

Hand-written: the tables are frozen here as they were at this migration (never imported from
`tables.py`, which will move on), and each column is added with the parameters it was declared
with.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-11-23T01:52:17:493820"
VERSION = "1.38.0"
DESCRIPTION = "surveys tables"


class Ticket(Table, tablename="ticket"):
    id = Serial(primary_key=True)


class User(Table, tablename="users"):
    id = Serial(primary_key=True)


class SurveysConfig(Table, tablename="surveys_config"):
    name = Varchar(64, unique=True)
    value = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


class SurveysSurvey(Table, tablename="surveys_survey"):
    slug = Varchar(64, unique=True)
    name = Varchar(200)
    active = Boolean(default=True)
    trigger = Varchar(16, default="solved")
    delay_minutes = Integer(default=0)
    schedule = Varchar(100, default="")
    audience = Varchar(16, default="all")
    audience_value = Varchar(200, default="")
    questions = Text(default="[]")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SurveysSent(Table, tablename="surveys_sent"):
    kind = Varchar(64, index=True)
    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.cascade, index=True)
    customer = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    agent_id = Integer(null=True, default=None)
    team_id = Integer(null=True, default=None)
    round = Varchar(40, default="")
    status = Varchar(16, default="queued")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)


class SurveysAnswer(Table, tablename="surveys_answer"):
    sent = ForeignKey(SurveysSent, on_delete=OnDelete.cascade, unique=True)
    kind = Varchar(64, index=True)
    ticket = ForeignKey(Ticket, null=True, on_delete=OnDelete.cascade, index=True)
    customer = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    agent_id = Integer(null=True, default=None, index=True)
    team_id = Integer(null=True, default=None, index=True)
    score = Integer(null=True, default=None)
    comment = Text(default="")
    reasons = Text(default="[]")
    answers = Text(default="{}")
    changes = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    changed_at = Timestamptz(default=TimestamptzNow())


TABLES = [SurveysConfig, SurveysSurvey, SurveysSent, SurveysAnswer]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="surveys", description=DESCRIPTION)
    for table in TABLES:
        manager.add_table(class_name=table.__name__, tablename=table._meta.tablename)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=table.__name__,
                tablename=table._meta.tablename,
                column_name=column._meta.name,
                db_column_name=column._meta.db_column_name,
                column_class=type(column),
                params=dict(column._meta.params),
            )
    return manager
