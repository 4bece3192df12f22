"""Animal health services: outbreak zones, contact tracing, plausibility checks."""
