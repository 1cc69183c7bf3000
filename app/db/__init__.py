"""The database: SQLAlchemy 2 (async) models, the engine resource and Alembic migrations."""
