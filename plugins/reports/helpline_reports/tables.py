"""The reports tables (created by piccolo_migrations/reports_0001_tables.py).

reports_ticket: one row of facts per ticket, recomputed from the ticket, its messages and its
event history (facts.refresh) on every change and by `helpline reports rebuild`.
Days are ISO strings ('YYYY-MM-DD', UTC) so both backends compare and group them alike.

reports_daily: day x team x channel x priority x type -> created, solved, reopened; kept in step
with reports_ticket by adding each ticket's new contribution and subtracting its old one.
team_id 0 means "no team" (so the row key has no NULL and ON CONFLICT works everywhere).
"""

FACT_COLUMNS = [
    "ticket_id",
    "number",
    "created_at",
    "created_day",
    "channel",
    "team_id",
    "assignee_id",
    "type",
    "priority",
    "organization_id",
    "requester_id",
    "status_category",
    "first_response_at",
    "first_response_minutes",
    "first_response_business",
    "solved_at",
    "solved_day",
    "resolution_minutes",
    "resolution_business",
    "reopens",
    "reopened_day",
    "agent_replies",
    "one_touch",
]

DAILY_KEY = ["day", "team_id", "channel", "priority", "type"]
DAILY_VALUES = ["created", "solved", "reopened"]
