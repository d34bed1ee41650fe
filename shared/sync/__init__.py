"""Hall sync, client side (no Qt). The main pieces:

- client.SyncClient(engine, device_id=, token=, transport=): submit(name, version, args, base=, effects=,
  conn=) queues a command with its optimistic rows in the caller's transaction; sync_once() runs leases,
  push and pull; rows(table) / confirmed(table) read the merged and the confirmed view; status(),
  rejected(), acknowledge(command_id), on_rejected(listener).
- leases.LeaseBook (client.leases): track(series, prefix, day), issue_number(...), release(...), blocks().
- loop.SyncLoop(client): the background thread (on every event and local action, and by a timer; with backoff).
- transport.HttpTransport(base_url) / the Transport protocol the harness plugs its network into.
- hlc.HybridClock, status.SyncStatus, errors.SyncFailed; tables (the cache's sync tables).
"""
