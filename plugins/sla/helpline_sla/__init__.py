"""SLA and escalation: business calendars, policies, clocks, warnings, breaches."""
