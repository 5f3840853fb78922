"""mizzle: schema-as-code migrations for Python (SQLAlchemy in, drizzle-kit-compatible SQL out).

The Python API mirrors the commands; heavy modules are imported only when a function is called.
"""

from __future__ import annotations

import sys
import types
from typing import Any

__version__ = "0.1.0"


def migrate(**kwargs: Any) -> Any:
    """Apply pending migrations. See `mizzle.runner.migrate`."""
    from .runner import migrate as _migrate

    return _migrate(**kwargs)


def generate(**kwargs: Any) -> Any:
    """Generate a migration from the schema code. See `mizzle.generate.generate`."""
    from .generate import generate as _generate

    return _generate(**kwargs)


def mark(**kwargs: Any) -> Any:
    """Record by hand that a migration is applied or rolled back:
    `mizzle.mark(url=..., folder=..., tag=..., rolled_back=True, reason=...)`. See `mizzle.recovery.mark`."""
    from .recovery import mark as _mark

    return _mark(**kwargs)


def baseline(config: Any = None, **kwargs: Any) -> Any:
    """Mark the migrations a database already holds as applied, after checking it matches the snapshot:
    `mizzle.baseline(config, url=..., to=None)`. Without `config`, the project's (load_config()); without `url`,
    the config's. See `mizzle.recovery.baseline`."""
    from .config import load_config
    from .recovery import baseline as _baseline

    config = config if config is not None else load_config()
    kwargs.setdefault("url", config.resolve_url())
    return _baseline(config, **kwargs)


def drop(config: Any = None, **kwargs: Any) -> Any:
    """Remove the latest migration if the database has not applied it: `mizzle.drop(config, url=..., force=False)`.
    Without `url`, the database the config names (none: only with force=True). See `mizzle.recovery.drop`."""
    from .config import load_config
    from .recovery import configured_url
    from .recovery import drop as _drop

    config = config if config is not None else load_config()
    if "url" not in kwargs:
        kwargs["url"] = configured_url(config)
    return _drop(config, **kwargs)


def rebase(folder: Any = None, dialect: str | None = None, dry_run: bool = False) -> Any:
    """Renumber a merged branch's migrations after the existing ones: `mizzle.rebase(folder=..., dialect=...)`
    (default: the configured folder). See `mizzle.rebase.rebase`."""
    from .rebase import rebase as _rebase

    if folder is None:
        from .config import load_config

        cfg = load_config()
        folder, dialect = cfg.out_dir, dialect or cfg.dialect
    return _rebase(folder, dialect or "postgresql", dry_run=dry_run)


def push(**kwargs: Any) -> Any:
    """Make a database match the schema code directly (development shortcut). See `mizzle.push.push`."""
    from .push import push as _push

    return _push(**kwargs)


def protect(**kwargs: Any) -> Any:
    """Mark a database as protected (push refuses it). See `mizzle.protect.protect`."""
    from .protect import protect as _protect

    return _protect(**kwargs)


def verify(config: Any = None, **kwargs: Any) -> Any:
    """Replay the migrations into a scratch database and compare with every snapshot and the schema code:
    `mizzle.verify(config, url=..., scratch_url=None)`; check `.ok`. Without `url`, the config's; with no
    PostgreSQL URL at all, a throwaway local cluster. See `mizzle.verify.verify`."""
    from .config import load_config
    from .verify import verify as _verify

    config = config if config is not None else load_config()
    kwargs.setdefault("url", config.resolve_url())
    return _verify(config, **kwargs)


def drift(config: Any = None, url: str | None = None, **kwargs: Any) -> Any:
    """Compare a live database with the snapshot of its last applied migration: `mizzle.drift(config, url=...)`;
    check `.drifted`. Without `url`, the config's. See `mizzle.drift.drift`."""
    from .config import load_config
    from .drift import drift_for_config

    config = config if config is not None else load_config()
    return drift_for_config(config, url or config.resolve_url(), **kwargs)


# The API functions above share their names with the modules that implement them (mizzle.generate, …). Importing
# such a submodule makes Python set the package attribute of that name to the module, which would hide the
# function: `mizzle.generate(...)` would fail once anything had imported mizzle.generate. The package therefore
# makes each such submodule callable as its API function when it is attached; `from mizzle.generate import x`
# and `mizzle.generate(...)` both keep working.
_API = {name: globals()[name] for name in ("generate", "rebase", "push", "protect", "verify", "drift")}


def _api_module_class(api: Any) -> type:
    class _ApiModule(types.ModuleType):
        __call__ = staticmethod(api)

    return _ApiModule


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        api = _API.get(name)
        if api is not None and type(value) is types.ModuleType:
            value.__class__ = _api_module_class(api)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
