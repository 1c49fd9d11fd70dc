"""Services are the only way to change state: each call is one transaction with its history."""
