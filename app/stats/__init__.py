"""Public counters per campaign: what is left of letters once their data is gone."""
