"""Domain events: the subscriber registry and the transactional outbox."""
