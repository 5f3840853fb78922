"""mizzle's version (one definition: re-exported as `mizzle.__version__`, written into the audit rows)."""

__version__ = "0.1.0"
