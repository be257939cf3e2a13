"""Tasks with statutory deadlines: callbacks, follow-ups, complaints and objections."""
