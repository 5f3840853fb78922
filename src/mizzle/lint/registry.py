"""The lint rule registry: each rule's stable id, severity, one-line fix, and the checks that report it.

Rule families (one module each) register their rules and checks here at import; the engine only iterates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .source import FileUnit, SqlStatement
    from .state import SchemaState

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    id: str  # stable: MZ + family digit + number; never reused
    severity: str  # "error" | "warning"
    title: str  # what the rule is about, for the README table and --help
    fix: str  # one line: what to do instead


@dataclass(frozen=True)
class Hit:
    """A rule reported by a check; the engine turns it into a Finding (file, statement, line, ignores)."""

    rule: Rule
    what: str  # the offending thing in this file, e.g. `DROP TABLE "public"."users"`
    statement: SqlStatement | None = None  # None: the file as a whole (reported at its first statement)
    fix: str | None = None  # this case's fix, where the rule's would be refused (a partitioned table's index)


# a statement check sees one parsed statement and the schema as it stands just before it
StatementCheck = Callable[["SqlStatement", Any, "SchemaState"], Iterable[Hit]]
# a file check sees every statement at once (transactions, directives spanning the file)
FileCheck = Callable[["FileUnit"], Iterable[Hit]]

RULES: dict[str, Rule] = {}
STATEMENT_CHECKS: list[StatementCheck] = []
FILE_CHECKS: list[FileCheck] = []


def rule(id: str, severity: str, title: str, fix: str) -> Rule:
    assert id not in RULES, f"duplicate lint rule id {id}"
    assert severity in (ERROR, WARNING)
    r = Rule(id, severity, title, fix)
    RULES[id] = r
    return r


def statement_check(fn: StatementCheck) -> StatementCheck:
    STATEMENT_CHECKS.append(fn)
    return fn


def file_check(fn: FileCheck) -> FileCheck:
    FILE_CHECKS.append(fn)
    return fn


def load_rules() -> dict[str, Rule]:
    """Import every rule family (registration happens at import), once."""
    from . import (  # noqa: F401
        destructive,
        foreign_keys,
        idempotency,
        locking,
        objects,
        opclasses,
        privileges,
        syntax,
        transactions,
    )

    return RULES
