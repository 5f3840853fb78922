"""The changes of objects beyond tables (schema/objects.py): create, replace in place (`CREATE OR REPLACE`),
drop, rename; a materialized view's index added or dropped; a domain or composite type altered; a comment set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .changes import Change
from .objects import CompositeType, Domain, View, ViewIndex


@dataclass(frozen=True)
class CreateObject(Change):
    obj: Any  # View | Routine | Trigger | Domain | CompositeType
    # a routine made before the tables its body reads, because a table's default or CHECK calls it: its body is not
    # checked at creation (PostgreSQL: `check_function_bodies` off for its statement alone, as pg_dump makes all)
    unchecked_body: bool = False

    def inverse(self) -> Change:
        return DropObject(self.obj)

    def describe(self) -> str:
        return f"+ {self.obj.label}"


@dataclass(frozen=True)
class DropObject(Change):
    obj: Any
    destructive = False  # no data lives in these objects (a materialized view's rows are derived)

    def inverse(self) -> Change:
        return CreateObject(self.obj)

    def describe(self) -> str:
        return f"- {self.obj.label}"


@dataclass(frozen=True)
class ReplaceObject(Change):
    """`CREATE OR REPLACE`: a view whose columns only append, a function whose signature and result stay."""

    old: Any
    new: Any
    unchecked_body: bool = False  # as CreateObject's

    def inverse(self) -> Change:
        return ReplaceObject(self.new, self.old)

    def describe(self) -> str:
        return f"~ {self.new.label} (replaced)"


@dataclass(frozen=True)
class RenameObject(Change):
    """ALTER VIEW / FUNCTION / PROCEDURE / TRIGGER … RENAME TO."""

    old: Any  # View | Routine | Trigger
    new: Any

    def inverse(self) -> Change:
        return RenameObject(self.new, self.old)

    def describe(self) -> str:
        return f"~ {self.old.label} → {self.new.name} (rename)"


@dataclass(frozen=True)
class CommentObject(Change):
    """`COMMENT ON` an object that stays (one made in the same diff carries its comment along)."""

    obj: Any  # the object as it will be (its name, its kind)
    old: str | None
    new: str | None

    def inverse(self) -> Change:
        return CommentObject(self.obj, self.new, self.old)

    def describe(self) -> str:
        return f"~ comment on {self.obj.label}: {_short(self.old and repr(self.old))} → " \
               f"{_short(self.new and repr(self.new))}"


@dataclass(frozen=True)
class AddViewIndex(Change):
    view: View
    index: ViewIndex

    def inverse(self) -> Change:
        return DropViewIndex(self.view, self.index)

    def describe(self) -> str:
        return f"+ index {self.index.name} on {self.view.label}"


@dataclass(frozen=True)
class DropViewIndex(Change):
    view: View
    index: ViewIndex

    def inverse(self) -> Change:
        return AddViewIndex(self.view, self.index)

    def describe(self) -> str:
        return f"- index {self.index.name} on {self.view.label}"


@dataclass(frozen=True)
class AlterDomain(Change):
    old: Domain
    new: Domain

    def inverse(self) -> Change:
        return AlterDomain(self.new, self.old)

    def describe(self) -> str:
        what = [w for w, a, b in (("default", self.old.default, self.new.default),
                                  ("not null", self.old.not_null, self.new.not_null),
                                  ("checks", self.old.checks, self.new.checks)) if a != b]
        return f"~ {self.new.label}: {', '.join(what)}"


@dataclass(frozen=True)
class AlterComposite(Change):
    old: CompositeType
    new: CompositeType

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        kept = dict(self.new.attributes)
        return any(n not in kept for n, _ in self.old.attributes)

    @property
    def retyped(self) -> list[tuple[str, str, str]]:
        """(name, old type, new type) of each attribute kept whose type changes (`ALTER ATTRIBUTE … TYPE`)."""
        old = dict(self.old.attributes)
        return [(n, old[n], t) for n, t in self.new.attributes if n in old and old[n] != t]

    @property
    def reordered(self) -> bool:
        """Whether the attributes kept change order (ALTER TYPE cannot move one: the type is made again)."""
        old, new = dict(self.old.attributes), dict(self.new.attributes)
        return [n for n, _ in self.new.attributes if n in old] != [n for n, _ in self.old.attributes if n in new]

    def inverse(self) -> Change:
        return AlterComposite(self.new, self.old)

    def describe(self) -> str:
        return f"~ {self.new.label}: attributes {_attrs(self.old)} → {_attrs(self.new)}"


def _attrs(c: CompositeType) -> str:
    return "(" + ", ".join(f"{n} {t}" for n, t in c.attributes) + ")"


_SHORT = 120
_NL = "\n"


def _short(x: Any) -> str:
    if isinstance(x, tuple) and all(isinstance(i, ViewIndex) for i in x):  # a materialized view's indexes
        x = ", ".join(str(i) for i in x) or None
    text = " ".join(str(x).split()) if x is not None else "none"
    return text if len(text) <= _SHORT else text[:_SHORT - 3] + "..."


def what_differs(old: Any, new: Any) -> str:
    """`~ view v: definition a → b` — one line naming each differing field of one object with both values."""
    fields = [f for f in old.__dataclass_fields__ if old.__dataclass_fields__[f].compare
              and getattr(old, f) != getattr(new, f)]
    what = ", ".join(_field_change(f.replace("_", " "), getattr(old, f), getattr(new, f)) for f in fields)
    return f"~ {new.label}: {what or 'changed'}"


def _field_change(label: str, a: Any, b: Any) -> str:
    """`body a → b`; where the one-line forms are the same text (the two differ inside their whitespace, or past the
    shortened part), where they differ instead, quoted: Koji's get_event(), indented with a tab in its schema.sql and
    with spaces in a database its upgrade scripts made, read `body INSERT … → INSERT …` twice alike."""
    a, b = _spoken(label, a), _spoken(label, b)
    short_a, short_b = _short(a), _short(b)
    if short_a != short_b or not isinstance(a, str) or not isinstance(b, str):
        return f"{label} {short_a} → {short_b}"
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    how = "in whitespace only" if a.split() == b.split() else f"past the first {_SHORT - 3} characters"
    return f"{label} differs {how}, from line {a.count(_NL, 0, i) + 1}: {_around(a, i)} → {_around(b, i)}"


# (name, value) pairs as SQL says them: a routine's `SET name = value`, a view's `WITH (name=value)`, a domain's
# `CONSTRAINT name CHECK (expression)` (not Python's spelling of the tuples)
_PAIRS = {"config": ("{} = {}", "; "), "options": ("{}={}", ", "), "checks": ("{} CHECK ({})", ", ")}


def _spoken(label: str, x: Any) -> Any:
    if label not in _PAIRS or not isinstance(x, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in x):
        return x
    form, sep = _PAIRS[label]
    return sep.join(form.format(*p) for p in x) or None


def _around(text: str, i: int) -> str:
    """The text from a little before position `i` (not before its line), quoted so that whitespace shows."""
    start = max(text.rfind("\n", 0, i) + 1, i - 20)
    quoted = repr(text[start:start + 40])  # in double quotes where the part holds a single one
    return ("…" if start > text.rfind("\n", 0, i) + 1 else "") + quoted[:-1] + \
        ("…" if start + 40 < len(text) else "") + quoted[-1]
