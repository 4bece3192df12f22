"""Storage: SQLAlchemy Core tables, engines and write transactions, Alembic migrations."""
