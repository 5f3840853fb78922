"""Import the schema modules named by the config and collect every MetaData reachable from them."""

from __future__ import annotations

import gc
import glob
import importlib
import importlib.util
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import collector
from ..errors import SchemaLoadError


@dataclass
class FoundMetaData:
    metadata: Any  # sqlalchemy.MetaData
    origin: str  # file or module where it was found
    # the mizzle.pg objects (extensions, policies, …) of every schema module, on the first MetaData found
    objects: tuple[Any, ...] = ()
    # what reading the modules could not do (configure_listened_mappers), on the first MetaData found: warnings
    notes: tuple[str, ...] = ()
    holder: str = ""  # the module attribute it was found through: "Base.metadata", "metadata"
    module: str = ""  # the dotted name of that module


def expand_schema_paths(patterns: tuple[str, ...], root: Path) -> list[str]:
    """Files, globs (relative to the project root) or dotted module names, in a stable order."""
    out: list[str] = []
    for pat in patterns:
        if any(ch in pat for ch in "*?[") or pat.endswith(".py") or "/" in pat:
            matches = sorted(glob.glob(str(root / pat), recursive=True))
            if not matches and not any(ch in pat for ch in "*?["):
                raise SchemaLoadError(f"schema file not found: {pat} (relative to {root})")
            out.extend(m for m in matches if m.endswith(".py"))
        else:
            out.append(pat)
    seen: set[str] = set()
    return [x for x in out if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]


def _module_name_for(path: Path, root: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    parts = list(rel.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def import_schema_module(target: str, root: Path) -> Any:
    """Import by dotted name when possible, so `from app.db.schema import Base` elsewhere finds the same
    module object (importing a file both by path and by name would define every table twice)."""
    root_str = str(root)
    if sys.path[:1] != [root_str]:  # this project's root first: another project loaded earlier may share names
        if root_str in sys.path:
            sys.path.remove(root_str)
        sys.path.insert(0, root_str)
    try:
        if target.endswith(".py"):
            path = Path(target)
            name = _module_name_for(path, root)
            if name is not None:
                _forget_other_project(name, root)
                return importlib.import_module(name)
            name = "_mizzle_schema_" + path.stem
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            return module
        return importlib.import_module(target)
    except SchemaLoadError:
        raise
    except BaseException as e:  # noqa: BLE001 - any failure while importing user code is a usage error
        if isinstance(e, KeyboardInterrupt):
            raise
        first = (str(e).splitlines() or [""])[0]
        where = _innermost_user_frame(e, target)
        raise SchemaLoadError(f"cannot import schema {target}{where}: {type(e).__name__}: {first}") from None


def module_file(module: Any) -> str | None:
    """A module's `__file__`, read from its own dict: a lazy module's `__getattr__` is not run (langflow's
    compatibility modules in sys.modules raise ImportError for any attribute, and generate failed on them)."""
    try:
        file = vars(module).get("__file__")
    except TypeError:  # not a module (None, or an object put in sys.modules)
        return None
    return file if isinstance(file, str) else None


def _forget_other_project(name: str, root: Path) -> None:
    """A module (or parent package) of this dotted name imported earlier from another folder — a library caller
    working on two projects in one process — is dropped from sys.modules, so this project's file is imported."""
    parts = name.split(".")
    stale = False
    for i in range(1, len(parts) + 1):
        module = sys.modules.get(".".join(parts[:i]))
        file = module_file(module)
        if module is not None and file is not None and not Path(file).resolve().is_relative_to(root.resolve()):
            stale = True
            break
    if stale:
        prefix = parts[0]
        for key in [k for k in sys.modules if k == prefix or k.startswith(prefix + ".")]:
            del sys.modules[key]
        importlib.invalidate_caches()


def _innermost_user_frame(e: BaseException, target: str) -> str:
    tb = e.__traceback__
    last = None
    while tb is not None:
        fn = tb.tb_frame.f_code.co_filename
        if "importlib" not in fn and "/mizzle/" not in fn.replace("\\", "/"):
            last = (fn, tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(e, SyntaxError) and e.filename:
        return f" ({e.filename}:{e.lineno})"
    return f" ({last[0]}:{last[1]})" if last else ""


def collect_metadata(modules: list[tuple[str, Any]]) -> list[FoundMetaData]:
    from sqlalchemy import MetaData, Table

    found: dict[int, FoundMetaData] = {}

    def add(md: Any, origin: str, holder: str, module: Any) -> None:
        if isinstance(md, MetaData) and id(md) not in found:
            found[id(md)] = FoundMetaData(md, origin, holder=holder, module=getattr(module, "__name__", ""))

    for origin, module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, MetaData):
                add(value, origin, name, module)
            elif isinstance(value, Table):
                add(value.metadata, origin, f"{name}.metadata", module)
            else:
                md = getattr(value, "metadata", None) if isinstance(value, type) or _holds_metadata(value) else None
                if isinstance(md, MetaData):
                    add(md, origin, f"{name}.metadata", module)
    return _with_pg_objects(list(found.values()), modules)


def _holds_metadata(value: Any) -> bool:
    """An object whose `metadata` is the app's MetaData though it is no class: an ORM `registry()`, and
    Flask-SQLAlchemy's `db = SQLAlchemy()` (or a subclass of it: Netflix Lemur's), whose `db.metadata` is what the
    app's `create_all` and Flask-Migrate's env.py use. Known types only: reading `metadata` off any object could run
    its code (Flask's `current_app` raises outside an app context)."""
    orm = sys.modules.get("sqlalchemy.orm")
    if orm is not None and isinstance(value, orm.registry):
        return True
    return any(c.__name__ == "SQLAlchemy" and c.__module__.split(".")[0] == "flask_sqlalchemy"
               for c in type(value).__mro__)


def _with_pg_objects(found: list[FoundMetaData], modules: list[tuple[str, Any]]) -> list[FoundMetaData]:
    """The mizzle.pg objects the modules define at their top level (in definition order, each once), and the
    Function object each trigger was given, carried by the first MetaData (a module of them alone gets an empty
    one)."""
    if "mizzle.pg" not in sys.modules:  # no schema module imported it: nothing to look for
        return found
    from sqlalchemy import MetaData

    from ..pg import PgObject

    objects: dict[int, Any] = {}
    for _, module in modules:
        for value in list(vars(module).values()):
            for item in (value if isinstance(value, (list, tuple)) else (value,)):  # also `policies = [...]`
                if isinstance(item, PgObject):
                    objects.setdefault(id(item), item)
    for item in list(objects.values()):  # a trigger's Function object comes with it (see Trigger)
        if isinstance(getattr(item, "function", None), PgObject):
            objects.setdefault(id(item.function), item.function)
    if not objects:
        return found
    if not found:
        found = [FoundMetaData(MetaData(), modules[0][0])]
    found[0] = replace(found[0], objects=tuple(objects.values()))
    return found


def import_schema_modules(targets: list[str], root: Path) -> list[tuple[str, Any]]:
    """Import the schema modules. In the `mizzle` command's own process (freeze_imported_objects), the cyclic
    collector is paused during the import and what it built is then frozen (gc.freeze): SQLAlchemy's mapped
    classes are millions of objects full of reference cycles that live until the process ends, and the
    collector would otherwise walk them again and again while they are built and at every full collection
    after (1,000 declarative tables: 2.5 s → 1.2 s for the import). Objects made later are collected as
    usual. A library caller's process is left alone: frozen objects are never freed."""
    if not collector.freeze_imported_objects:  # set by the `mizzle` command
        return [(t, import_schema_module(t, root)) for t in targets]
    with collector.paused():  # also when generate has paused it already: freeze all the same
        try:
            return [(t, import_schema_module(t, root)) for t in targets]
        finally:
            gc.freeze()


def load_metadata(patterns: tuple[str, ...], root: Path) -> list[FoundMetaData]:
    if not patterns:
        raise SchemaLoadError("no schema configured: set `schema = [...]` in mizzle.toml (files, globs or modules)")
    targets = expand_schema_paths(patterns, root)
    if not targets:
        raise SchemaLoadError(f"schema patterns {list(patterns)} matched no files under {root}")
    modules = import_schema_modules(targets, root)
    note = configure_listened_mappers(modules)
    found = collect_metadata(modules)
    if not found:
        raise SchemaLoadError(_nothing_found(modules, root))
    if note is not None:
        found[0] = replace(found[0], notes=(note,))
    return found


def _nothing_found(modules: list[tuple[str, Any]], root: Path) -> str:
    """The error for schema modules that hold no MetaData at their top level: read as an empty schema, generate
    would plan dropping every table the folder made. Names a module they import that holds one, where there is."""
    import types

    targets = ", ".join(t for t, _ in modules)
    holders = [f"{m.__name__} ({module_file(m) or m.__name__})" for _, module in modules
               for m in vars(module).values() if isinstance(m, types.ModuleType) and m not in dict(modules).values()
               and collect_metadata([("", m)])]
    hint = f"; it imports {', '.join(dict.fromkeys(holders))}, which does: list that in `schema`" if holders else ""
    return (f"no MetaData in {targets}: nothing at its top level is a MetaData, a Table, a declarative Base, a "
            f"registry() or a Flask-SQLAlchemy db{hint}")


_CONFIGURE_EVENTS = ("before_configured", "after_configured", "before_mapper_configured", "mapper_configured")


def configure_listened_mappers(modules: list[tuple[str, Any]]) -> str | None:
    """Configure the ORM's mappers, as an app's start-up or first query does, when something listens for it:
    a library may add tables then (SQLAlchemy-Continuum builds its `*_version` tables and `transaction` in an
    `after_configured` listener on Mapper), which `create_all` makes after that. Only then: configuring 1,000
    mappers with relationships costs seconds. A failure (a relationship to a class the schema modules leave out:
    Flask-Security's models, whose User names FsRefreshTracker) is returned as a warning, the tables read as the
    import left them: it was never an error for what mizzle reads, and a listener is no proof of added tables."""
    if "sqlalchemy.orm" not in sys.modules:
        return None
    from sqlalchemy import inspect
    from sqlalchemy.orm import Mapper, configure_mappers

    found: list[Any] = [inspect(value, raiseerr=False) for _, module in modules
                        for value in list(vars(module).values()) if isinstance(value, type)]
    mappers = [m for m in found if isinstance(m, Mapper)]
    pending = [m for m in mappers if not m.configured]
    if not any(getattr(m.dispatch, event) for m in pending for event in _CONFIGURE_EVENTS):
        return None
    try:
        configure_mappers()
    except Exception as e:  # noqa: BLE001 - any failure in user code or a library's listener
        first = (str(e).splitlines() or [""])[0]
        return (f"the ORM mappers, which a library listens for (it may add tables then: SQLAlchemy-Continuum's "
                f"version tables), could not be configured ({type(e).__name__}: {first[:200]}): what such a listener "
                "adds is not in the schema read; fix the mapping (what `sa.orm.configure_mappers()` in the app "
                "raises) or list the module defining the class it names in `schema`")
    return None
