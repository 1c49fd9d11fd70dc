"""Every page of the plugin, mounted under `/p/automation/`."""

from helpline_automation.pages_macros import ROUTES as MACRO_ROUTES
from helpline_automation.pages_rules import ROUTES as RULE_ROUTES

ROUTES = [*RULE_ROUTES, *MACRO_ROUTES]
