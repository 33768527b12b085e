"""Reliable messaging: transactional outbox, idempotent inbox, bounded retries, dead letters."""
