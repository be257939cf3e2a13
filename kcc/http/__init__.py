"""HTTP plumbing shared by every API blueprint: problem responses, paging, idempotency."""
