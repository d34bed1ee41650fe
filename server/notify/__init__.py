"""Notifications to citizens (SMS) and staff (tray alerts through sync): an outbox written in the same
transaction as the event (`outbox.notify`), a scheduled sender with retries, rate limits and opt-out
(`sender`), and SMS gateway adapters (`gateway`, `http_gateway`, `cmpp_gateway`) with their simulators."""
