"""mkdocs hook: fills the lint rules page from mizzle's rule registry at build time, so the table cannot go stale.

The page holds the marker `<!-- lint-rules-table -->`; this hook replaces it with one row per registered rule
(id, severity, what, fix), in id order. A page without the marker, or a registry without rules, fails the build."""

from __future__ import annotations

from typing import Any

MARKER = "<!-- lint-rules-table -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    from mizzle.lint import load_rules

    rules = sorted(load_rules().values(), key=lambda r: r.id)
    if not rules:
        raise RuntimeError("mizzle's lint rule registry is empty")
    rows = ["| rule | severity | what | fix |", "|---|---|---|---|"]
    rows += [f"| {r.id} | {r.severity} | {_cell(r.title)} | {_cell(r.fix)} |" for r in rules]
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if page.file.src_uri != "reference/lint-rules.md":
        return markdown
    if MARKER not in markdown:
        raise RuntimeError(f"reference/lint-rules.md lost its {MARKER} marker")
    return markdown.replace(MARKER, rules_table())
