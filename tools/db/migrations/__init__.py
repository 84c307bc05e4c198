"""The schema's history as Alembic migrations: `env.py` and one file per revision in `versions/`.

A revision's file is named after its id (`0002_catalog_import.py`), so the newest file is the head
(tools/db/migrate.py reads it without loading Alembic). Write a migration with `batch_alter_table`
so it runs on SQLite and PostgreSQL, and never import the models: a revision is frozen in time.
"""
