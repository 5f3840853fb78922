"""The base class of the objects `mizzle.pg` declares: the schema loader collects every module-level instance
(sources/loader.py), as it collects MetaData."""

from __future__ import annotations


class PgObject:
    """A PostgreSQL object declared beside the MetaData (an extension, a role, a policy, …)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"
