"""The Python API: one function per command, mirroring the CLI. Heavy modules are imported only when a function
is called, so `import mizzle` stays cheap. `mizzle/__init__.py` re-exports these names.

One signature convention, as Alembic's `command.py`: the configuration first, then the command's options as
keywords — `mizzle.<command>(config=None, **options)`. `config` is a `mizzle.config.Config`, a path to a
mizzle.toml (or pyproject.toml), or None for the project's (found from the working directory as the commands find
it). What an option leaves out comes from the configuration (the database URL, the migrations folder, the
tracking table); a function that only needs those values reads no configuration when they are all passed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from .config import Config

ConfigArg = Union["Config", str, Path, None]


def load(config: ConfigArg = None) -> Config:
    """`config` as a Config: itself, the file at that path, or (None) the project's."""
    from .config import load_config

    if config is None or isinstance(config, (str, Path)):
        return load_config(config)
    return config


_FROM_CONFIG: dict[str, Callable[[Config], Any]] = {
    "url": lambda c: c.resolve_url(),
    "folder": lambda c: c.out_dir,
    "table": lambda c: c.table,
    "tracking_schema": lambda c: c.tracking_schema,
}


def _options(config: ConfigArg, options: dict[str, Any], keys: tuple[str, ...], required: tuple[str, ...]
             ) -> dict[str, Any]:
    """`options` with the `keys` they leave out taken from the configuration — read only when `config` is given
    or a `required` one is missing."""
    if config is None and all(k in options for k in required):
        return options
    cfg = load(config)
    return {**{k: _FROM_CONFIG[k](cfg) for k in keys if k not in options}, **options}


def migrate(config: ConfigArg = None, **options: Any) -> Any:
    """Apply pending migrations: `mizzle.migrate(config, to=None, dry_run=False, …)`, or without a configuration
    `mizzle.migrate(url=..., folder=...)`. See `mizzle.runner.migrate.migrate`."""
    from .runner.migrate import migrate as _migrate

    return _migrate(**_options(config, options, ("url", "folder", "table", "tracking_schema"), ("url", "folder")))


def generate(config: ConfigArg = None, **options: Any) -> Any:
    """Generate a migration from the schema code: `mizzle.generate(config, name=None, check=False, …)`.
    See `mizzle.commands.generate.generate`."""
    from .commands.generate import generate as _generate

    return _generate(load(config), **options)


def mark(config: ConfigArg = None, **options: Any) -> Any:
    """Record by hand that a migration is applied or rolled back:
    `mizzle.mark(config, tag=..., rolled_back=True, reason=...)` (or `applied=True`); without a configuration,
    pass `url=` and `folder=`. See `mizzle.runner.recovery.mark`."""
    from .runner.recovery import mark as _mark

    return _mark(**_options(config, options, ("url", "folder", "table", "tracking_schema"), ("url", "folder")))


def baseline(config: ConfigArg = None, **options: Any) -> Any:
    """Mark the migrations a database already holds as applied, after checking it matches the snapshot:
    `mizzle.baseline(config, url=None, to=None, force=False)`. See `mizzle.runner.recovery.baseline`."""
    from .runner.recovery import baseline as _baseline

    cfg = load(config)
    options.setdefault("url", cfg.resolve_url())
    return _baseline(cfg, **options)


def drop(config: ConfigArg = None, **options: Any) -> Any:
    """Remove the latest migration if the database has not applied it: `mizzle.drop(config, url=None,
    force=False)`; without `url`, the database the config names (none: only with force=True).
    See `mizzle.runner.recovery.drop`."""
    from .runner.recovery import configured_url
    from .runner.recovery import drop as _drop

    cfg = load(config)
    if "url" not in options:
        options["url"] = configured_url(cfg)
    return _drop(cfg, **options)


def up(config: ConfigArg = None, *, dry_run: bool = False) -> Any:
    """Convert the config's migrations folder to drizzle-kit 1.x's layout: `mizzle.up(config, dry_run=False)`.
    See `mizzle.commands.up.up`."""
    from .commands.up import up as _up

    return _up(load(config), dry_run=dry_run)


def rebase(config: ConfigArg = None, *, folder: str | Path | None = None, dialect: str | None = None,
           dry_run: bool = False) -> Any:
    """Renumber a merged branch's migrations after the existing ones: `mizzle.rebase(config, dry_run=False)`;
    without a configuration, `mizzle.rebase(folder=..., dialect=...)`. See `mizzle.migrations.rebase.rebase`."""
    from .dialects import DEFAULT
    from .migrations.rebase import rebase as _rebase

    if folder is None or config is not None:
        cfg = load(config)
        folder, dialect = folder or cfg.out_dir, dialect or cfg.dialect
    return _rebase(folder, dialect or DEFAULT, dry_run=dry_run)


def push(config: ConfigArg = None, **options: Any) -> Any:
    """Make a database match the schema code directly (development shortcut): `mizzle.push(config, url=None,
    dry_run=False, confirm=None, …)`. See `mizzle.commands.push.push`."""
    from .commands.push import push as _push

    return _push(load(config), **options)


def protect(config: ConfigArg = None, **options: Any) -> Any:
    """Mark a database as protected (push refuses it): `mizzle.protect(config, off=False)`; without a
    configuration, pass `url=`. See `mizzle.commands.protect.protect`."""
    from .commands.protect import protect as _protect

    return _protect(**_options(config, options, ("url", "tracking_schema"), ("url",)))


def verify(config: ConfigArg = None, **options: Any) -> Any:
    """Replay the migrations into a scratch database and compare with every snapshot and the schema code:
    `mizzle.verify(config, url=None, scratch_url=None)`; check `.ok`. Without `url`, the config's; with no
    PostgreSQL URL at all, a throwaway local cluster. See `mizzle.commands.verify.verify`."""
    from .commands.verify import verify as _verify

    cfg = load(config)
    options.setdefault("url", cfg.resolve_url())
    return _verify(cfg, **options)


def drift(config: ConfigArg = None, url: str | None = None, **options: Any) -> Any:
    """Compare a live database with the snapshot of its last applied migration: `mizzle.drift(config, url=None)`;
    check `.drifted`. Without `url`, the config's. See `mizzle.commands.drift.drift`."""
    from .commands.drift import drift_for_config

    cfg = load(config)
    return drift_for_config(cfg, url or cfg.resolve_url(), **options)


__all__ = ["baseline", "drift", "drop", "generate", "load", "mark", "migrate", "protect", "push", "rebase", "verify"]
