"""Delivery: the provider adapters, the outbox worker and delivery events."""
