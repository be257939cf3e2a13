"""Question patterns: what residents ask, per topic, week, channel and district."""
