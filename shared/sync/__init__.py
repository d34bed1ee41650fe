"""Hall sync, client side: outbox, confirmed and optimistic data, cursors, leases and the sync loop (no Qt)."""
