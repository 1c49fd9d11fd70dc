"""The plugin's pages under `/p/phone/`."""

from __future__ import annotations

from helpline_phone.page_calls import ROUTES as CALL_ROUTES
from helpline_phone.page_log import ROUTES as LOG_ROUTES

ROUTES = [*CALL_ROUTES, *LOG_ROUTES]
