"""Tables of the channels package."""
