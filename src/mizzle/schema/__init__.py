"""The pure core: the schema model, the changes between two models (diff, renames, merge) and constraint naming.
No I/O, no drivers, no SQLAlchemy."""
