"""lint_file: read a migration file, run every registered check over its statements in order (the schema
state updated after each), drop what `-- mizzle:lint-ignore` silences, and return Findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import collector
from ..migrations.folder import read_sql_text
from ..schema.model import Schema
from .registry import ERROR, FILE_CHECKS, RULES, STATEMENT_CHECKS, Hit, load_rules
from .source import FileUnit, read_unit
from .state import SchemaState, file_search_path, generated_additions, guarded_statements
from .syntax import BAD_IGNORE, SYNTAX_ERROR


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    file: str
    statement: int | None  # the runner's 1-based statement number (breakpoint-separated chunk)
    line: int | None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        stmt = f" (statement {self.statement})" if self.statement else ""
        return f"{where}: {self.severity} {self.rule}{stmt}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "file": self.file,
                "statement": self.statement, "line": self.line}


@dataclass(frozen=True)
class LintContext:
    """What lint knows besides the file. `previous` is the schema before the file ran (the snapshot that
    precedes it in its folder's journal); None means a lone file: tables it does not create are taken to exist."""

    previous: Schema | None = None
    file: str = "<sql>"

    @classmethod
    def for_path(cls, path: Path) -> LintContext:
        from .folder_context import previous_schema_for

        return cls(previous=previous_schema_for(path), file=str(path))


def lint_file(path_or_text: Path | str, context: LintContext | None = None) -> list[Finding]:
    """Lint one migration file. A Path is read (and, when in a migrations folder, linted against the snapshot
    before it); a str is the SQL text itself."""
    rules = load_rules()
    if isinstance(path_or_text, Path):
        text = read_sql_text(path_or_text)
        context = context or LintContext.for_path(path_or_text)
        name = str(path_or_text)
    else:
        text = path_or_text
        context = context or LintContext()
        name = context.file
    with collector.paused():  # every parse tree is kept to the end of the file
        unit = read_unit(text, name, set(rules))
        unit.sent_whole = _sent_whole(name)
        with file_search_path():
            return _findings(unit, _run(unit, SchemaState(context.previous)))



def _sent_whole(name: str) -> bool:
    """`name` is the migration.sql of a Prisma folder's migration (migration_lock.toml beside the migrations)."""
    from ..migrations.folders1 import is_prisma

    path = Path(name)
    return path.name == "migration.sql" and is_prisma(path.parent.parent)


def _run(unit: FileUnit, state: SchemaState) -> list[Hit]:
    hits: list[Hit] = []
    # generate --idempotent's guards (DO blocks): what they guard is linted, and read once
    guarded = [guarded_statements(st.node) if type(st.node).__name__ == "DoStmt" else None for st in unit.statements]
    state.generated_added = generated_additions([n for st, inner in zip(unit.statements, guarded, strict=True)
                                                 if st.node is not None for n in (inner if inner is not None
                                                                                  else [st.node])])
    for st, inner_statements in zip(unit.statements, guarded, strict=True):
        if st.node is None:
            hits.append(Hit(SYNTAX_ERROR, f"syntax error: {st.error}", st))
            continue
        for check in STATEMENT_CHECKS:
            hits.extend(check(st, st.node, state))
        if inner_statements is not None:
            for inner in inner_statements:
                for check in STATEMENT_CHECKS:
                    hits.extend(check(st, inner, state))
                state.apply(inner)
        state.apply(st.node)
    for file_check in FILE_CHECKS:
        hits.extend(file_check(unit))
    return hits


def _findings(unit: FileUnit, hits: list[Hit]) -> list[Finding]:
    out = []
    first = unit.statements[0] if unit.statements else None
    for h in hits:
        st = h.statement or first
        if h.rule.id in unit.file_ignores or (st is not None and h.rule.id in st.ignores):
            continue
        out.append(Finding(h.rule.id, h.rule.severity, f"{h.what}; {h.fix or h.rule.fix}", unit.name,
                           st.number if st else None, st.line if st else None))
    for p in unit.ignore_problems:
        out.append(Finding(BAD_IGNORE.id, BAD_IGNORE.severity, p.what, unit.name, None, p.line))
    out.sort(key=lambda f: (f.line or 0, f.rule))
    return list(dict.fromkeys(out))  # one finding per rule, statement and message



def lint_paths(paths: list[Path]) -> list[Finding]:
    """Lint several files, each against its own folder context."""
    out: list[Finding] = []
    for p in paths:
        out.extend(lint_file(p))
    return out


def folder_sql_files(out_dir: Path) -> list[Path]:
    """The migrations of a folder in journal order (files the journal names but that are missing are skipped)."""
    from ..migrations.folder import MigrationFolder

    return [m.sql_path for m in MigrationFolder(out_dir).migrations() if m.exists]


__all__ = ["Finding", "LintContext", "RULES", "folder_sql_files", "lint_file", "lint_paths"]
