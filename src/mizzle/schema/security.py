"""The security facts of a PostgreSQL schema: extensions, roles, grants (a Schema's `security`), and per table
row-level security and policies (fields of Table). Frozen dataclasses, no I/O; imports nothing of mizzle's.

`Security.extensions` / `roles` / `grants` are None when the source cannot know them (a drizzle-kit snapshot
has no field for extensions or grants; introspection does not read the cluster's roles): None is "not
tracked", and the diff compares a kind only where both sides track it (a new declaration is still created).
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMMANDS = ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE")
KINDS = ("PERMISSIVE", "RESTRICTIVE")
GRANT_TARGETS = ("table", "view", "schema", "sequence")  # "view": a view or a materialized view
PRIVILEGES = {
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "view": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "schema": ("USAGE", "CREATE"),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
}
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")  # GRANT SELECT (col) ON …


@dataclass(frozen=True)
class Policy:
    """CREATE POLICY name ON table AS {as_} FOR {for_} TO {to} USING (using) WITH CHECK (with_check)."""

    name: str
    as_: str = "PERMISSIVE"  # "PERMISSIVE" | "RESTRICTIVE"
    for_: str = "ALL"  # "ALL" | "SELECT" | "INSERT" | "UPDATE" | "DELETE"
    to: tuple[str, ...] = ("public",)  # role names, sorted; "public" is every role
    using: str | None = None
    with_check: str | None = None
    # Policy(..., renamed_from=...) in the schema code: ALTER POLICY … RENAME TO (not part of its identity)
    renamed_from: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str | None = None  # None: wherever CREATE EXTENSION puts it (not compared)
    version: str | None = None  # None: the default version (not compared)


@dataclass(frozen=True)
class Role:
    """drizzle-kit's pgRole attributes."""

    name: str
    create_db: bool = False
    create_role: bool = False
    inherit: bool = True


@dataclass(frozen=True)
class Grant:
    """GRANT privileges ON {on} schema.name TO grantee [WITH GRANT OPTION] (on "schema": `name` is the schema,
    `schema` too). The grant option is part of the key: one grantee's privileges with and without it are two
    Grants. `column` set: GRANT privilege (column) ON … — a column privilege, one Grant per column (PostgreSQL
    keeps them per column, apart from the table's own)."""

    on: str  # "table" | "view" | "schema" | "sequence"
    schema: str
    name: str
    grantee: str  # a role name, or "public"
    privileges: tuple[str, ...]  # upper case, sorted
    grant_option: bool = False  # WITH GRANT OPTION: the grantee may grant them on
    column: str | None = None  # a column privilege's column (tables and views)

    @property
    def key(self) -> tuple[str, str, str, str, bool, str]:
        return (self.on, self.schema, self.name, self.grantee, self.grant_option, self.column or "")

    def with_privileges(self, privileges: tuple[str, ...]) -> Grant:
        """The same grant of other privileges."""
        return Grant(self.on, self.schema, self.name, self.grantee, privileges, self.grant_option, self.column)


@dataclass(frozen=True)
class Security:
    extensions: tuple[Extension, ...] | None = None
    roles: tuple[Role, ...] | None = None
    grants: tuple[Grant, ...] | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.extensions or self.roles or self.grants)


NO_SECURITY = Security()
# what the schema code declares when it declares none: no extensions, no grants; roles (the cluster's) untracked
NO_DECLARATIONS = Security(extensions=(), grants=())


def as_tracked(security: Security) -> Security:
    """`security` as a snapshot of it tracks it: no extensions, or no grants, is not tracked (a snapshot records
    none, and reads back as not tracked), so a comparison with it leaves the other side's alone."""
    from dataclasses import replace

    untracked = {k: None for k in ("extensions", "grants") if not getattr(security, k)}
    return replace(security, **untracked) if untracked else security


def make_security(extensions: object = None, roles: object = None, grants: object = None) -> Security:
    """A Security with each tracked collection in canonical order (None stays None)."""
    def by(items: object, key: object) -> tuple | None:  # type: ignore[type-arg]
        return None if items is None else tuple(sorted(items, key=key))  # type: ignore[call-overload]
    return Security(by(extensions, lambda e: e.name), by(roles, lambda r: r.name), by(grants, lambda g: g.key))


def canonical_policy(p: Policy) -> Policy:
    """Keywords upper case, roles sorted and deduplicated; `public` among them is every role, all PostgreSQL
    keeps (CREATE POLICY … TO a, public stores public alone)."""
    to = tuple(sorted(set(p.to)))
    if not to or "public" in (r.lower() for r in to):
        to = ("public",)
    return Policy(p.name, p.as_.upper(), p.for_.upper(), to, p.using or None, p.with_check or None, p.renamed_from)


def policy_problem(p: Policy) -> str | None:
    """Why PostgreSQL would refuse `p`, or None."""
    if p.as_ not in KINDS:
        return f"policy {p.name}: as must be one of {', '.join(k.lower() for k in KINDS)}, not {p.as_.lower()!r}"
    if p.for_ not in COMMANDS:
        return f"policy {p.name}: for must be one of {', '.join(c.lower() for c in COMMANDS)}, not {p.for_.lower()!r}"
    if p.for_ in ("SELECT", "DELETE") and p.with_check:
        return f"policy {p.name}: a {p.for_} policy cannot have WITH CHECK (PostgreSQL refuses it)"
    if p.for_ == "INSERT" and p.using:
        return f"policy {p.name}: an INSERT policy cannot have USING (PostgreSQL refuses it)"
    return None
