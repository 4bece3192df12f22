"""One router per service area."""
