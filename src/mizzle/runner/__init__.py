"""Applying migrations to a database: the tracking store, migrate and status, the promotion gate, manual
resolutions (mark, baseline, drop)."""
