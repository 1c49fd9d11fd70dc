"""The reports tables (created by piccolo_migrations/reports_0001_tables.py).

reports_ticket: one row of facts per ticket, recomputed from the ticket, its messages and its
event history (facts.refresh) on every change and by `helpline reports rebuild`. Its columns that
describe the ticket carry the ticket table's own names (id, team, assignee, organization,
requester, channel, type, priority), so the one visibility function (`visible_tickets`, which
renders `"ticket"."team"`…) filters it directly when it is read as `reports_ticket AS ticket`.
Days are ISO strings ('YYYY-MM-DD', UTC) so both backends compare and group them alike.

reports_transition: every time a ticket entered or left the solved state, as (id, day, kind) with
kind 'solved', 'reopened' or 'merged' (closed by a merge), plus the ticket's dimensions under the
same names (so visibility and filters apply to it as to the facts). Volume counts these events,
so a ticket reopened on two days counts on both, and the backlog moves on each of them.

reports_daily: day x team x channel x priority x type -> created, solved, reopened, merged; kept in
step with the two tables above by adding each ticket's new contribution and subtracting its old
one. team_id 0 means "no team" (so the row key has no NULL and ON CONFLICT works everywhere).
"""

FACT_COLUMNS = [
    "id",
    "number",
    "created_at",
    "created_day",
    "channel",
    "team",
    "assignee",
    "type",
    "priority",
    "organization",
    "requester",
    "status_category",
    "first_response_at",
    "first_response_minutes",
    "first_response_business",
    "solved_at",
    "solved_day",
    "resolution_minutes",
    "resolution_business",
    "reopens",
    "agent_replies",
    "one_touch",
]

#: The ticket's dimensions copied onto each of its transitions (so they are counted without a join).
TRANSITION_DIMENSIONS = ["channel", "team", "assignee", "type", "priority", "organization"]

#: Transition kinds, in the order of the reports_daily value columns after "created".
KINDS = ("solved", "reopened", "merged")

DAILY_KEY = ["day", "team_id", "channel", "priority", "type"]
DAILY_VALUES = ["created", *KINDS]
