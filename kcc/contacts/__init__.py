"""Contact moments: every interaction on every channel, with its parties and subject objects."""
