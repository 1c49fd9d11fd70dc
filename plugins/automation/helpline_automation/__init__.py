"""Automation for Helpline: triggers, time-based rules, macros and webhooks."""
