"""Many repositories in one account and one region, in one run: the manifest (`model.py`), the
engine that plans and applies it over the existing steps (`engine.py`), and backing off when
AWS throttles (`backoff.py`)."""
