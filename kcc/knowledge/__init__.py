"""The knowledge base: ready answers agents find by Dutch full-text search and by topic."""
