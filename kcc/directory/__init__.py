"""The municipality's directory: departments and the teams in them, which work is routed to."""
