"""Surveys for Helpline: CSAT after resolution, NPS, custom surveys."""
