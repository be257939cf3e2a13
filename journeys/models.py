"""Tables of the journeys package."""
