"""How PostgreSQL's SQL text is read to be compared (the dialect's `reader`, `dialects.base.SqlReader`): one key
per meaning of an expression, a default, a query, and what a query reads. The schema model and the diff compare
through these and never parse SQL themselves."""

from __future__ import annotations

from ...schema.naming import truncate_identifier as stored_name
from .expressions import expression_key
from .types import default_key, opclass_key
from .view_deps import (
           expand_stars,
           functions,
           parses,
           query_key,
           reads_every_column,
           relations,
           replaceable,
           views_made,
)

__all__ = ["default_key", "expand_stars", "expression_key", "functions", "opclass_key", "parses", "query_key",
           "reads_every_column", "relations", "replaceable", "stored_name",
           "views_made"]
