"""The plugin's pages under `/p/surveys/`: answering, results, and the admin editors."""

from __future__ import annotations

from helpline_surveys.page_admin import ROUTES as ADMIN_ROUTES
from helpline_surveys.page_answer import ROUTES as ANSWER_ROUTES
from helpline_surveys.page_results import ROUTES as RESULT_ROUTES

ROUTES = [*ANSWER_ROUTES, *RESULT_ROUTES, *ADMIN_ROUTES]
