"""Phone channel for Helpline: call logging, a telephony webhook, call history."""
