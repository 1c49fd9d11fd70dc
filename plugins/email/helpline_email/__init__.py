"""Email channel: mailboxes, ingestion, threading, loops and bounces, outbound mail."""
