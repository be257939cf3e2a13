"""The customer view: one read model per party, with sections the packages register."""
