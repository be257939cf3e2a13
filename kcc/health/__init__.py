"""Liveness and readiness of the database and the queue."""
