"""The reminder outbox: one way to enqueue, delivery by email and in-app, the operator's view."""
