"""Users, API tokens, web sessions and the role checks of every endpoint."""
