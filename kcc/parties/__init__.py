"""Parties (persons, organisations, contact persons), their identifiers and digital addresses."""
