"""Ingestion: read files and API batches, validate, append to the ledger, project."""
