"""Fleet targets: which databases a fleet run covers — a targets file, a `[fleets.NAME]` of the config (a static
list, an environment variable, or a query on a control database) — and the deterministic shard of them one
machine takes (`--shard I/N`)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import dialects
from ..dburl import mask_url, parse_url
from ..errors import ConfigError, UsageError


def read_targets_file(path: str | Path) -> list[str]:
    """One URL per line; blank lines and `#` comments (whole-line or trailing, after whitespace) are ignored."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot read targets file {p}: {e.strerror or e}") from None
    return check_targets(_lines(text), f"targets file {p}")


def _lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


SCHEMA_MARK = "#schema="
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def split_target(target: str) -> tuple[str, str | None]:
    """`URL` → (URL, None); `URL#schema=NAME` (a tenant schema of that database) → (URL, NAME)."""
    if SCHEMA_MARK in target:
        url, schema = target.rsplit(SCHEMA_MARK, 1)
        return url, schema
    return target, None


def tenant_target(url: str, schema: str) -> str:
    return f"{url}{SCHEMA_MARK}{schema}"


def display(target: str) -> str:
    """The target as printed: URL without its password, and its tenant schema if it has one."""
    url, schema = split_target(target)
    return mask_url(url) + (f"{SCHEMA_MARK}{schema}" if schema is not None else "")


def check_targets(urls: Iterable[str], where: str) -> list[str]:
    """Every URL parses (a malformed one is a usage error naming its position, never its password) and none
    appears twice (two entries for one database would race for its lock and report it twice)."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for n, url in enumerate(urls, 1):
        base, schema = split_target(url)
        if "://" in base and any(c.isspace() for c in base):  # two URLs on one line, or a space in a password
            raise UsageError(f"{where}, target {n}: a database URL cannot contain whitespace",
                             "List one URL per line (a space in a password is written %20).")
        try:
            db = parse_url(base)
        except UsageError as e:
            raise UsageError(f"{where}, target {n}: {e.message}", e.details) from None
        if schema is not None:
            dialect = dialects.find(db.dialect)
            if dialect is None or not dialect.tenant_schemas:
                raise UsageError(f"{where}, target {n}: tenant schemas need PostgreSQL, not {db.dialect}")
            if not _SCHEMA_NAME.match(schema):
                raise UsageError(f"{where}, target {n}: tenant schema {schema!r} is not a plain lower-case name "
                                 "(a-z, 0-9, _; at most 63 characters)")
        key = identity(url)
        if key in seen:
            raise UsageError(f"{where}: target {n} ({display(url)}) repeats target {seen[key]}",
                             "List each database once.")
        seen[key] = n
        out.append(url)
    if not out:
        raise UsageError(f"{where} lists no targets")
    return out


def identity(url: str) -> str:
    """What a target is, for sharding and duplicates: its URL without the password (a rotated password must
    not move a database to another shard)."""
    return display(url)


def shard_of(url: str, count: int) -> int:
    """The shard (0 … count-1) a target belongs to: the first 8 bytes of SHA-256 of its identity, big-endian,
    modulo `count`. Stable across machines, Python versions and the order of the list."""
    digest = hashlib.sha256(identity(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def parse_shard(value: str) -> tuple[int, int]:
    """`I/N` with 0 ≤ I < N (I is 0-based, like a Kubernetes indexed Job's JOB_COMPLETION_INDEX)."""
    try:
        i_s, n_s = value.split("/")
        i, n = int(i_s), int(n_s)
    except ValueError:
        raise UsageError(f"--shard {value!r} is not I/N (e.g. 0/4: the first of four shards)") from None
    if n < 1 or not 0 <= i < n:
        raise UsageError(f"--shard {value!r}: need 0 ≤ I < N (I is 0-based)")
    return i, n


def select_shard(urls: list[str], index: int, count: int) -> list[str]:
    return [u for u in urls if shard_of(u, count) == index]


def fleet_urls(cfg: Any, name: str) -> list[str]:
    """The targets of `[fleets.NAME]`: its `urls`, or the environment variable `urls_env` (one URL per line or
    separated by whitespace or commas), or the rows of `query` (first column) on its control database — URLs,
    or schema names (tenant schemas of the control database) — or its `schemas` (of the control database)."""
    fleets = getattr(cfg, "fleets", {}) or {}
    if name not in fleets:
        known = ", ".join(sorted(fleets)) or "none defined"
        raise ConfigError(f"unknown fleet {name!r} (known: {known})")
    f = fleets[name]
    where = f"fleet {name!r}"
    if f.urls:
        return check_targets(f.urls, where)
    if f.urls_env:
        value = os.environ.get(f.urls_env)
        if not value:
            raise ConfigError(f"{where} reads its URLs from ${f.urls_env}, which is not set",
                              "Export it, or list the URLs with --targets FILE.")
        return check_targets(value.replace(",", " ").split(), f"{where} (${f.urls_env})")
    control = _control_url(cfg, name, f)
    if f.schemas:
        return check_targets([tenant_target(control, s) for s in f.schemas], where)
    return check_targets(_query(control, f.query, where), f"{where} (query)")


def _control_url(cfg: Any, name: str, f: Any) -> str:
    if f.control_env:
        value = os.environ.get(f.control_env)
        if not value:
            raise ConfigError(f"fleet {name!r} reads its control database URL from ${f.control_env}, "
                              "which is not set")
        return str(value)
    if f.control_url:
        return str(f.control_url)
    return str(cfg.resolve_url(None, None))


def _query(control: str, sql: str, where: str) -> list[str]:
    db = parse_url(control)
    dialect = dialects.find(db.dialect)
    if dialect is None:
        raise UsageError(f"{where}: a control query needs a PostgreSQL control database, not {db.dialect}")
    rows = dialect.control_query(db, sql, where)
    urls = []
    for n, row in enumerate(rows, 1):
        value = row[0] if row else None
        if not isinstance(value, str) or not value:
            raise UsageError(f"{where}: row {n} of the control query is neither a database URL nor a schema name")
        # a URL is a database; anything else is a tenant schema of the control database itself
        urls.append(value if "://" in value else tenant_target(control, value))
    return urls
