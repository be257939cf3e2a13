"""Identity: duplicate candidates, merging two parties into one, and undoing a merge."""
