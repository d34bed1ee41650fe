"""The queue engine on the server: persistence (models, store), configuration (config), the sync command
handlers (issue, desk, rate, registered by commands.register), appointments, near-call notifications and
statistics. The rules themselves are shared/queue's."""
