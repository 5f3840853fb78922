"""The Python API: one function per command, mirroring the CLI. Heavy modules are imported only when a function
is called, so `import mizzle` stays cheap. `mizzle/__init__.py` re-exports these names."""

from __future__ import annotations

from typing import Any


def migrate(**kwargs: Any) -> Any:
    """Apply pending migrations. See `mizzle.runner.migrate.migrate`."""
    from .runner.migrate import migrate as _migrate

    return _migrate(**kwargs)


def generate(**kwargs: Any) -> Any:
    """Generate a migration from the schema code. See `mizzle.commands.generate.generate`."""
    from .commands.generate import generate as _generate

    return _generate(**kwargs)


def mark(**kwargs: Any) -> Any:
    """Record by hand that a migration is applied or rolled back:
    `mizzle.mark(url=..., folder=..., tag=..., rolled_back=True, reason=...)`. See `mizzle.runner.recovery.mark`."""
    from .runner.recovery import mark as _mark

    return _mark(**kwargs)


def baseline(config: Any = None, **kwargs: Any) -> Any:
    """Mark the migrations a database already holds as applied, after checking it matches the snapshot:
    `mizzle.baseline(config, url=..., to=None)`. Without `config`, the project's (load_config()); without `url`,
    the config's. See `mizzle.runner.recovery.baseline`."""
    from .config import load_config
    from .runner.recovery import baseline as _baseline

    config = config if config is not None else load_config()
    kwargs.setdefault("url", config.resolve_url())
    return _baseline(config, **kwargs)


def drop(config: Any = None, **kwargs: Any) -> Any:
    """Remove the latest migration if the database has not applied it: `mizzle.drop(config, url=..., force=False)`.
    Without `url`, the database the config names (none: only with force=True). See `mizzle.runner.recovery.drop`."""
    from .config import load_config
    from .runner.recovery import configured_url
    from .runner.recovery import drop as _drop

    config = config if config is not None else load_config()
    if "url" not in kwargs:
        kwargs["url"] = configured_url(config)
    return _drop(config, **kwargs)


def up(config: Any = None, dry_run: bool = False) -> Any:
    """Convert the config's migrations folder to drizzle-kit 1.x's layout: `mizzle.up(config, dry_run=False)`.
    See `mizzle.commands.up.up`."""
    from .commands.up import up as _up
    from .config import load_config

    return _up(config if config is not None else load_config(), dry_run=dry_run)


def rebase(folder: Any = None, dialect: str | None = None, dry_run: bool = False) -> Any:
    """Renumber a merged branch's migrations after the existing ones: `mizzle.migrations.rebase(folder=..., dialect=...)`
    (default: the configured folder). See `mizzle.migrations.rebase.rebase`."""
    from .dialects import DEFAULT
    from .migrations.rebase import rebase as _rebase

    if folder is None:
        from .config import load_config

        cfg = load_config()
        folder, dialect = cfg.out_dir, dialect or cfg.dialect
    return _rebase(folder, dialect or DEFAULT, dry_run=dry_run)


def push(**kwargs: Any) -> Any:
    """Make a database match the schema code directly (development shortcut). See `mizzle.commands.push.push`."""
    from .commands.push import push as _push

    return _push(**kwargs)


def protect(**kwargs: Any) -> Any:
    """Mark a database as protected (push refuses it). See `mizzle.commands.protect.protect`."""
    from .commands.protect import protect as _protect

    return _protect(**kwargs)


def verify(config: Any = None, **kwargs: Any) -> Any:
    """Replay the migrations into a scratch database and compare with every snapshot and the schema code:
    `mizzle.commands.verify(config, url=..., scratch_url=None)`; check `.ok`. Without `url`, the config's; with no
    PostgreSQL URL at all, a throwaway local cluster. See `mizzle.commands.verify.verify`."""
    from .commands.verify import verify as _verify
    from .config import load_config

    config = config if config is not None else load_config()
    kwargs.setdefault("url", config.resolve_url())
    return _verify(config, **kwargs)


def drift(config: Any = None, url: str | None = None, **kwargs: Any) -> Any:
    """Compare a live database with the snapshot of its last applied migration: `mizzle.commands.drift(config, url=...)`;
    check `.drifted`. Without `url`, the config's. See `mizzle.commands.drift.drift`."""
    from .commands.drift import drift_for_config
    from .config import load_config

    config = config if config is not None else load_config()
    return drift_for_config(config, url or config.resolve_url(), **kwargs)
