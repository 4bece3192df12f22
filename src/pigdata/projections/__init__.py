"""Projections: how each ledger entry changes the SQL tables the services read."""
