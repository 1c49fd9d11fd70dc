"""The plugin's pages under `/p/sla/`: the SLA queue and the admin editors."""

from __future__ import annotations

from helpline_sla.page_calendars import ROUTES as CALENDAR_ROUTES
from helpline_sla.page_policies import ROUTES as POLICY_ROUTES
from helpline_sla.page_queue import ROUTES as QUEUE_ROUTES

ROUTES = [*QUEUE_ROUTES, *CALENDAR_ROUTES, *POLICY_ROUTES]
