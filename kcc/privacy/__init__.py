"""The floor of personal-data processing: the processing log, its activities and request context."""
