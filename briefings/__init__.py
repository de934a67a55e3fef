"""Statistics, narrative, charts and the monthly briefing."""
