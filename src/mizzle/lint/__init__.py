"""`mizzle lint`: migration SQL checked with PostgreSQL's own parser (pglast) against stable rules.

One module per rule family — syntax (MZ0xx), destructive (MZ1xx), locking (MZ2xx), transactions (MZ3xx),
idempotency (MZ4xx) — registered in registry.RULES; engine.lint_file runs them."""

from __future__ import annotations

from .engine import Finding, LintContext, folder_sql_files, lint_file, lint_paths
from .registry import ERROR, RULES, WARNING, Rule, load_rules

__all__ = ["ERROR", "Finding", "LintContext", "RULES", "Rule", "WARNING", "folder_sql_files", "lint_file", "lint_paths",
           "load_rules"]
