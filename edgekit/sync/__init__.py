"""Sync with the district hub: the outbox apps write to, signed batches, and the two transports (HTTPS, USB)."""
