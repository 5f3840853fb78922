"""The changes of security facts (schema/security.py): extensions, row-level security, policies, roles, grants.
Each describes itself in one line and knows its inverse, like the changes of schema/changes.py."""

from __future__ import annotations

from dataclasses import dataclass

from .changes import Change, TableKey
from .model import DEFAULT_SCHEMA
from .security import Extension, Grant, Policy, Role


def _q(key: TableKey) -> str:
    return key[1] if key[0] == DEFAULT_SCHEMA else f"{key[0]}.{key[1]}"


@dataclass(frozen=True)
class CreateExtension(Change):
    extension: Extension

    def inverse(self) -> Change:
        return DropExtension(self.extension)

    def describe(self) -> str:
        e = self.extension
        return f"+ extension {e.name}" + (f" in {e.schema}" if e.schema else "") + (
            f" version {e.version}" if e.version else "")


@dataclass(frozen=True)
class DropExtension(Change):
    extension: Extension
    destructive = True

    def inverse(self) -> Change:
        return CreateExtension(self.extension)

    def describe(self) -> str:
        return f"- extension {self.extension.name}"


@dataclass(frozen=True)
class AlterExtension(Change):
    old: Extension
    new: Extension

    def inverse(self) -> Change:
        return AlterExtension(self.new, self.old)

    def describe(self) -> str:
        parts = []
        if self.new.schema and self.old.schema != self.new.schema:
            parts.append(f"schema {self.old.schema} → {self.new.schema}")
        if self.new.version and self.old.version != self.new.version:
            parts.append(f"version {self.old.version} → {self.new.version}")
        return f"~ extension {self.new.name}: {', '.join(parts)}"


@dataclass(frozen=True)
class SetRowSecurity(Change):
    table: TableKey
    old: tuple[bool, bool]  # (enabled, forced)
    new: tuple[bool, bool]

    def inverse(self) -> Change:
        return SetRowSecurity(self.table, self.new, self.old)

    def describe(self) -> str:
        def say(s: tuple[bool, bool]) -> str:
            return "forced" if s[1] and s[0] else ("enabled" if s[0] else ("off, forced" if s[1] else "off"))
        return f"~ row level security on {_q(self.table)}: {say(self.old)} → {say(self.new)}"


@dataclass(frozen=True)
class CreatePolicy(Change):
    table: TableKey
    policy: Policy

    def inverse(self) -> Change:
        return DropPolicy(self.table, self.policy)

    def describe(self) -> str:
        p = self.policy
        return f"+ policy {p.name} on {_q(self.table)} ({p.as_.lower()} for {p.for_.lower()} to {', '.join(p.to)})"


@dataclass(frozen=True)
class RenamePolicy(Change):
    table: TableKey
    old: str
    new: str

    def inverse(self) -> Change:
        return RenamePolicy(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"~ policy {self.old} on {_q(self.table)} → {self.new} (rename)"


@dataclass(frozen=True)
class DropPolicy(Change):
    table: TableKey
    policy: Policy
    destructive = True

    def inverse(self) -> Change:
        return CreatePolicy(self.table, self.policy)

    def describe(self) -> str:
        return f"- policy {self.policy.name} on {_q(self.table)}"


@dataclass(frozen=True)
class AlterPolicy(Change):
    table: TableKey
    old: Policy
    new: Policy

    def inverse(self) -> Change:
        return AlterPolicy(self.table, self.new, self.old)

    def describe(self) -> str:
        parts = []
        for label, a, b in (("to", ", ".join(self.old.to), ", ".join(self.new.to)),
                            ("using", self.old.using, self.new.using),
                            ("with check", self.old.with_check, self.new.with_check)):
            if a != b:
                parts.append(f"{label} {a} → {b}")
        return f"~ policy {self.new.name} on {_q(self.table)}: {'; '.join(parts)}"


@dataclass(frozen=True)
class CreateRole(Change):
    role: Role

    def inverse(self) -> Change:
        return DropRole(self.role)

    def describe(self) -> str:
        return f"+ role {self.role.name}"


@dataclass(frozen=True)
class DropRole(Change):
    role: Role
    destructive = True

    def inverse(self) -> Change:
        return CreateRole(self.role)

    def describe(self) -> str:
        return f"- role {self.role.name}"


@dataclass(frozen=True)
class AlterRole(Change):
    old: Role
    new: Role

    def inverse(self) -> Change:
        return AlterRole(self.new, self.old)

    def describe(self) -> str:
        parts = [f"{k} {getattr(self.old, a)} → {getattr(self.new, a)}"
                 for k, a in (("createDb", "create_db"), ("createRole", "create_role"), ("inherit", "inherit"))
                 if getattr(self.old, a) != getattr(self.new, a)]
        return f"~ role {self.new.name}: {', '.join(parts)}"


@dataclass(frozen=True)
class GrantPrivileges(Change):
    grant: Grant  # the privileges granted by this change

    def inverse(self) -> Change:
        return RevokePrivileges(self.grant)

    def describe(self) -> str:
        g = self.grant
        return f"+ grant {', '.join(g.privileges).lower()} on {g.on} {_grant_target(g)} to {g.grantee}{_option(g)}"


@dataclass(frozen=True)
class RevokePrivileges(Change):
    grant: Grant  # the privileges revoked by this change
    destructive = True

    def inverse(self) -> Change:
        return GrantPrivileges(self.grant)

    def describe(self) -> str:
        g = self.grant
        return f"- grant {', '.join(g.privileges).lower()} on {g.on} {_grant_target(g)} to {g.grantee}{_option(g)}"


def _grant_target(g: Grant) -> str:
    if g.on == "schema":
        return g.name
    return _q((g.schema, g.name)) + (f" ({g.column})" if g.column is not None else "")


def _option(g: Grant) -> str:
    return " with grant option" if g.grant_option else ""


SECURITY_CHANGES = (CreateExtension, DropExtension, AlterExtension, SetRowSecurity, CreatePolicy, DropPolicy,
                    AlterPolicy, RenamePolicy, CreateRole, DropRole, AlterRole, GrantPrivileges, RevokePrivileges)
