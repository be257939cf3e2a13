"""Web pages through the Flask test client."""
