"""Project configuration: mizzle.toml / [tool.mizzle] / environment / flags → Config."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from . import dialects
from .errors import ConfigError
from .record import FrozenRecord
from .schema.naming import NAMING_CHOICES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PREFIXES = ("index", "timestamp", "unix", "none")
TRANSACTION_MODES = ("each", "all")
LAYOUTS = ("journal", "folders")
DEFAULT_URL = "sqlite:///mizzle.db"


class Environment(FrozenRecord):
    def __init__(self, name: str, url_env: str | None = None, url: str | None = None, protected: bool = False) -> None:
        self.__dict__.update(name=name, url_env=url_env, url=url, protected=protected)

    name: str
    url_env: str | None
    url: str | None
    protected: bool


class Fleet(FrozenRecord):
    """`[fleets.NAME]`: the databases (or tenant schemas) one fleet run covers: exactly one of urls, urls_env,
    query, schemas."""

    def __init__(self, name: str, urls: tuple[str, ...] = (), urls_env: str | None = None, query: str | None = None,
                 schemas: tuple[str, ...] = (), control_url: str | None = None, control_env: str | None = None
                 ) -> None:
        self.__dict__.update(name=name, urls=urls, urls_env=urls_env, query=query, schemas=schemas,
                             control_url=control_url, control_env=control_env)

    name: str
    urls: tuple[str, ...]
    urls_env: str | None
    query: str | None  # run on the control database; first column = target URLs or schema names
    schemas: tuple[str, ...]  # tenant schemas of the control database
    control_url: str | None
    control_env: str | None


class Config(FrozenRecord):
    """mizzle.toml (or pyproject.toml's [tool.mizzle]) as read: parse_config; Config() is the defaults."""

    def __init__(self, root: Path | None = None, source: Path | None = None, dialect: str = dialects.DEFAULT,
                 schema: tuple[str, ...] = (), out: str = "drizzle", url: str | None = None,
                 schema_filter: tuple[str, ...] = (), tables_filter: tuple[str, ...] = (),
                 table: str = "__drizzle_migrations", tracking_schema: str = "drizzle", prefix: str = "index",
                 transaction: str = "each", layout: str = "journal", online: bool = False, retries: int = 0,
                 naming: str = "drizzle", online_lock_timeout: str = "5s",
                 environments: dict[str, Environment] | None = None, env: str | None = None,
                 fleets: dict[str, Fleet] | None = None, tenant_schema: str | None = None) -> None:
        self.__dict__.update(
            root=Path.cwd() if root is None else root, source=source, dialect=dialect, schema=schema, out=out,
            url=url, schema_filter=schema_filter, tables_filter=tables_filter, table=table,
            tracking_schema=tracking_schema, prefix=prefix, transaction=transaction, layout=layout, online=online,
            retries=retries, naming=naming, online_lock_timeout=online_lock_timeout,
            environments={} if environments is None else environments, env=env,
            fleets={} if fleets is None else fleets, tenant_schema=tenant_schema)

    root: Path
    source: Path | None
    dialect: str
    schema: tuple[str, ...]
    out: str
    url: str | None
    schema_filter: tuple[str, ...]
    tables_filter: tuple[str, ...]
    table: str
    tracking_schema: str
    prefix: str
    transaction: str
    layout: str
    online: bool
    retries: int  # `migrate`: retries of a unit that hit its lock_timeout
    naming: str  # names of constraints the code leaves unnamed: "drizzle" (-kit's) or "postgresql"
    online_lock_timeout: str  # SET LOCAL lock_timeout of each transactional part `generate --online` writes
    environments: dict[str, Environment]
    env: str | None  # the environment selected with --env
    fleets: dict[str, Fleet]
    # the schema the code declares tenant-scoped tables in: written unqualified by `generate`, compared with each
    # tenant schema by `drift` (docs/guides/fleets.md)
    tenant_schema: str | None

    @property
    def out_dir(self) -> Path:
        return (self.root / self.out).resolve()

    def resolve_url(self, url: str | None = None, env: str | None = None) -> str:
        """--url > --env NAME (its url_env) > DATABASE_URL > `url` in the config > sqlite:///mizzle.db."""
        if url:
            return url
        env = env or self.env
        if env:
            e = self.environment(env)
            if e.url_env:
                value = os.environ.get(e.url_env)
                if not value:
                    raise ConfigError(
                        f"environment {env!r} reads its URL from ${e.url_env}, which is not set",
                        "Export it, or pass --url.",
                    )
                return value
            if e.url:
                return e.url
            raise ConfigError(f"environment {env!r} has neither url_env nor url in {self.source_name}")
        if os.environ.get("DATABASE_URL"):
            return os.environ["DATABASE_URL"]
        if self.url:
            return self.url
        return DEFAULT_URL

    def environment(self, name: str) -> Environment:
        try:
            return self.environments[name]
        except KeyError:
            known = ", ".join(sorted(self.environments)) or "none defined"
            raise ConfigError(f"unknown environment {name!r} (known: {known})") from None

    @property
    def source_name(self) -> str:
        return str(self.source) if self.source else "the defaults"

    def with_overrides(self, **kw: Any) -> Config:
        return self.replace(**{k: v for k, v in kw.items() if v is not None})


def find_config(start: Path | None = None) -> Path | None:
    """Walk up from `start` looking for mizzle.toml, or a pyproject.toml with [tool.mizzle]."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / "mizzle.toml"
        if candidate.is_file():
            return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file() and "[tool.mizzle" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: str | Path | None = None, start: Path | None = None) -> Config:
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
    else:
        found = find_config(start)
        if found is None:
            return Config(root=(start or Path.cwd()).resolve(), dialect=dialects.NO_CONFIG)
        p = found
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: invalid TOML: {e}") from None
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("mizzle", {})
    return parse_config(data, root=p.parent.resolve(), source=p)


def _strings(value: Any, key: str, source: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{source}: `{key}` must be a string or a list of strings")


def _choice(value: Any, key: str, choices: tuple[str, ...], source: Path) -> str:
    if value not in choices:
        raise ConfigError(f"{source}: `{key}` = {value!r} is not one of {', '.join(choices)}")
    return str(value)


def _retries(value: Any, source: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{source}: `migrations.retries` = {value!r} is not a whole number ≥ 0")
    return value


_TOP_KEYS = {"dialect", "schema", "out", "url", "schema_filter", "tables_filter", "online", "online_lock_timeout",
             "migrations", "environments", "naming", "fleets", "tenant_schema"}
_MIGRATION_KEYS = {"table", "schema", "prefix", "transaction", "layout", "retries"}


def parse_config(data: dict[str, Any], root: Path, source: Path) -> Config:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown key(s): {', '.join(sorted(unknown))}")
    mig = data.get("migrations", {}) or {}
    unknown = set(mig) - _MIGRATION_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in [migrations]: {', '.join(sorted(unknown))}")
    dialect = _choice(data.get("dialect", dialects.DEFAULT), "dialect", dialects.KNOWN, source)
    if not dialects.is_implemented(dialect):
        raise ConfigError(f"{source}: `dialect` = {dialect!r} is not implemented in this version of mizzle "
                          f"(implemented: {', '.join(dialects.IMPLEMENTED)})")
    envs: dict[str, Environment] = {}
    for name, e in (data.get("environments") or {}).items():
        if not isinstance(e, dict):
            raise ConfigError(f"{source}: [environments.{name}] must be a table")
        envs[name] = Environment(name=name, url_env=e.get("url_env"), url=e.get("url"),
                                 protected=bool(e.get("protected", False)))
    tenant = _tenant_schema(data.get("tenant_schema"), source)
    schema_filter = _strings(data.get("schema_filter"), "schema_filter", source)
    if tenant and schema_filter and tenant not in schema_filter:
        raise ConfigError(f"{source}: `schema_filter` leaves out `tenant_schema` ({tenant!r}), the schema of the "
                          "tenant-scoped tables", "Add it to schema_filter, or remove schema_filter.")
    return Config(
        root=root,
        source=source,
        dialect=dialect,
        schema=_strings(data.get("schema"), "schema", source),
        out=str(data.get("out", "drizzle")),
        url=data.get("url"),
        schema_filter=schema_filter or ((tenant,) if tenant else ()),  # a tenant folder manages its schema only
        tables_filter=_strings(data.get("tables_filter"), "tables_filter", source),
        table=str(mig.get("table", "__drizzle_migrations")),
        tracking_schema=str(mig.get("schema", "drizzle")),
        prefix=_choice(mig.get("prefix", "index"), "migrations.prefix", PREFIXES, source),
        transaction=_choice(mig.get("transaction", "each"), "migrations.transaction", TRANSACTION_MODES, source),
        layout=_choice(mig.get("layout", "journal"), "migrations.layout", LAYOUTS, source),
        online=bool(data.get("online", False)),
        naming=_choice(data.get("naming", "drizzle1" if _folders_layout(mig.get("layout"), root,
                                                                          str(data.get("out", "drizzle")))
                                else "drizzle"), "naming", NAMING_CHOICES, source),
        online_lock_timeout=str(data.get("online_lock_timeout", "5s")),
        retries=_retries(mig.get("retries", 0), source),
        environments=envs,
        fleets=_fleets(data.get("fleets"), source),
        tenant_schema=tenant,
    )


def _folders_layout(layout: Any, root: Path, out: str) -> bool:
    """drizzle-kit 1.x's layout, configured or (when `layout` is not set) found in the existing `out` folder: no
    journal, `<ts>_<name>/migration.sql` folders. Its constraint names are drizzle-kit 1.x's (`naming`)."""
    if layout is not None:
        return layout == "folders"
    folder = root / out
    if not folder.is_dir() or (folder / "meta" / "_journal.json").exists():
        return False
    return any((p / "migration.sql").is_file() for p in folder.iterdir() if p.is_dir())


def _tenant_schema(value: Any, source: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or '"' in value:
        raise ConfigError(f"{source}: `tenant_schema` = {value!r} is not a schema name")
    return value


_FLEET_KEYS = {"urls", "urls_env", "query", "schemas", "control_url", "control_env"}


def _fleets(data: Any, source: Path) -> dict[str, Fleet]:
    """`[fleets.NAME]` tables (see mizzle.runner.targets for how they resolve to URLs)."""
    out: dict[str, Fleet] = {}
    for name, f in (data or {}).items():
        if not isinstance(f, dict):
            raise ConfigError(f"{source}: [fleets.{name}] must be a table")
        unknown = set(f) - _FLEET_KEYS
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) in [fleets.{name}]: {', '.join(sorted(unknown))}")
        given = [k for k in ("urls", "urls_env", "query", "schemas") if f.get(k)]
        if len(given) != 1:
            raise ConfigError(f"{source}: [fleets.{name}] needs exactly one of urls, urls_env, query, schemas"
                              + (f" (has {', '.join(given)})" if given else ""))
        for k in ("urls_env", "query", "control_url", "control_env"):
            if k in f and not isinstance(f[k], str):
                raise ConfigError(f"{source}: `fleets.{name}.{k}` must be a string")
        if (f.get("control_url") or f.get("control_env")) and not (f.get("query") or f.get("schemas")):
            raise ConfigError(f"{source}: [fleets.{name}] has a control database but no query or schemas")
        out[name] = Fleet(name=name, urls=_strings(f.get("urls"), f"fleets.{name}.urls", source),
                          urls_env=f.get("urls_env"), query=f.get("query"),
                          schemas=_strings(f.get("schemas"), f"fleets.{name}.schemas", source),
                          control_url=f.get("control_url"),
                          control_env=f.get("control_env"))
    return out
