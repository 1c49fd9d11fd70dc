"""Outbound webhooks: signed JSON POSTs on chosen events, retried, logged, disabled after failures."""
