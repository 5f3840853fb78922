"""Where a schema model comes from: schema code (the loader and SQLAlchemy reading) or a live database."""
