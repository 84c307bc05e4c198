"""The database layer: the SQLAlchemy tables (models.py), engines and sessions (engine.py), and
the `Shop` (shop.py) every tool works on, with the caches it owns."""
