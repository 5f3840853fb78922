"""The model cache: the schema model the last schema import gave, kept in `.mizzle/` at the project root with
what it was built from, so that `generate` (and `generate --check` in CI or a pre-commit hook) on unchanged schema
code skips importing it.

What it buys: importing a large SQLAlchemy schema is most of `generate`'s time (1,000 tables: 1-2 s, the
collector paused). With the cache, `generate --check` on a schema and a migrations folder unchanged since the
last `generate` reads two small files and hashes the inputs (~0.1 s, most of it Python's start-up); with the
schema unchanged but the folder changed, it unpickles the model instead of importing the code.

The cache is used only when every input is the same as when it was written, compared by content, not by mtime:
- the SHA-256 of every Python file the import loaded (the `__file__` of each module loaded, under the project root
  or not: a package of models beside the project that the schema module puts on sys.path), the size and mtime of
  each installed package's file loaded (an upgrade rewrites them; hashing them all would cost more than the
  import), the standard library's and mizzle's own excepted (the versions below cover them), and the schema
  targets the config's patterns expand to;
- the Python version, the installed SQLAlchemy and mizzle versions (and the size/mtime of mizzle's own modules,
  so an editable install being worked on counts as a new version);
- the config (every setting);
- where Python finds packages: the environment's prefix (a virtualenv) and PYTHONPATH, so that another copy of the
  models on another path is imported, not answered by the files of the one the cache saw.
- what the import read besides modules (import_watch.py): the files it opened for reading (by content, or
  "absent"), the listings of the folders its code listed, the environment variables it read (the whole environment
  where it was iterated or copied).
Any difference, a missing or unreadable file, or a corrupt cache falls back to the full import (which rewrites
the cache). What it cannot see: a file the code only tests for (os.stat: no audit event) that appears later, and a
new module that would now shadow one the import found. For such projects set MIZZLE_NO_CACHE=1. `.mizzle/` holds its own `.gitignore` (`*`): the cache is never committed.

A second record, the verdict, says "the model equals the schema of the latest snapshot" for one state of the
migrations folder (the SHA-256 of its journal, latest snapshot and sidecar). It is written only after a diff
found no change (or a freshly written migration diffed clean against the model), so a hit is exactly the answer
a full `generate` would give. The cached model is a pickle in the project folder, read only when its hash matches
the header: no worse than importing the project's code, which the full path does.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config
    from ..migrations.folder import MigrationFolder
    from ..schema.model import Schema
    from .import_watch import Watched

CACHE_DIR = ".mizzle"
HEADER = "model-cache.json"
MODEL = "model-cache.pickle"
FORMAT = 2  # 2: what the import read besides modules (files, listings, environment: import_watch.py)
DISABLE_ENV = "MIZZLE_NO_CACHE"

Model = tuple["Schema", dict[tuple[str, ...], str]]  # what load_schema returns: the model and declared renames


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: str | Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return _sha(f.read())
    except OSError:
        return None


def _version(dist: str) -> str:
    """The installed version of the distribution providing the top-level package `dist`: from its `.dist-info`
    folder's name next to the package (importlib.metadata costs ~25 ms to import, an eighth of the budget)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(dist)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "absent"
    site = Path(spec.origin).parent.parent
    prefix = dist.lower().replace("-", "_") + "-"
    try:
        names = [n for n in os.listdir(site) if n.lower().startswith(prefix) and n.endswith(".dist-info")]
    except OSError:
        names = []
    if len(names) == 1:
        return names[0][len(prefix):-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _mizzle_version() -> str:
    from ..version import __version__

    return __version__


def _mizzle_code_stamp() -> str:
    """Size and mtime of mizzle's own modules: an editable install changes without a new version number."""
    base = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def environment(config: Config) -> dict[str, str]:
    """Everything besides the project's files that the model depends on."""
    return {"format": str(FORMAT), "python": sys.version, "sqlalchemy": _version("sqlalchemy"),
            "mizzle": _mizzle_version(), "mizzle_code": _mizzle_code_stamp(), "config": repr(config),
            "packages_from": packages_from()}


def packages_from() -> str:
    """Where Python looks for packages, as the process started: the environment (a virtualenv's prefix) and
    PYTHONPATH. Another one may import another copy of the models (OpenStack's ironic 21 and 39 installed in two
    directories), whose files the cache never saw, while the files it recorded are still there unchanged."""
    return repr((sys.prefix, sys.exec_prefix, os.environ.get("PYTHONPATH", "")))


def _installed(path: Path) -> bool:
    return any(p in ("site-packages", "dist-packages") for p in path.parts)


_STDLIB = Path(os.path.dirname(os.__file__)).resolve()  # the standard library: the Python version covers it
_MIZZLE = Path(__file__).resolve().parent.parent  # mizzle's own modules: the code stamp covers them


def _stamp(path: Path) -> str | None:
    """An installed package's file, compared by size and mtime (hashing hundreds of them would cost more than the
    import the cache saves; an upgrade rewrites them)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"stat:{st.st_size}:{st.st_mtime_ns}"


def folder_state(folder: MigrationFolder) -> str | None:
    """The SHA-256 of what `generate` reads from the migrations folder: the journal, the latest snapshot and the
    sidecar (None when one of them cannot be read: no verdict then)."""
    h = hashlib.sha256()
    parts: list[Path] = [folder.journal_path, folder.sidecar_path]
    if folder.journal_path.exists():
        migs = folder.migrations()
        if migs:
            if migs[-1].snapshot_path is None or not migs[-1].snapshot_path.exists():
                return None
            parts.append(migs[-1].snapshot_path)
    elif folder.uses_folders:  # drizzle-kit 1.x: the latest state is made of every snapshot of the graph
        parts += [d / "snapshot.json" for d in folder.path.iterdir() if (d / "migration.sql").is_file()]
    for p in parts[:2] + sorted(parts[2:]):
        digest = _file_sha(p) if p.exists() else "absent"
        if digest is None:
            return None
        h.update(f"{p}:{digest}\n".encode())
    return h.hexdigest()


# -- what the import read besides modules (import_watch.py) ------------------------------------------------------

ABSENT = "absent"  # a data file the import looked for and did not find
_CODE = (".py", ".pyc", ".pyo", ".so", ".pyd", ".pth")  # modules: compared above, or by the versions


def _ignored(path: Path) -> bool:
    """The standard library's and mizzle's own files (the versions cover them), and the kernel's."""
    return path.is_relative_to(_STDLIB) or path.is_relative_to(_MIZZLE) or \
        any(path.is_relative_to(p) for p in ("/proc", "/sys", "/dev"))


def _data_files(read: Watched | None) -> list[str]:
    """The files besides modules the import opened for reading (a module's own file is one of sys.modules')."""
    if read is None:
        return []
    return [read.path(f) for f in sorted(read.files) if not f.endswith(_CODE)]


def _data_digests(read: Watched | None) -> dict[str, str]:
    """The data files' digests: as modules' (content, or an installed package's size and mtime), "absent" for one
    the import looked for and did not find (a `.env` it would read if there)."""
    out: dict[str, str] = {}
    for file in _data_files(read):
        path = Path(file).resolve()
        if _ignored(path) or path.is_dir():
            continue
        digest = (_stamp(path) if _installed(path) else _file_sha(path)) if path.exists() else None
        out[str(path)] = digest or ABSENT
    return out


def _listing(path: str, skip: frozenset[str]) -> str | None:
    """A directory's entries; bytecode, and what mizzle itself writes into the project (`skip`: the cache's folder,
    the migrations folder), left out: they come and go with runs."""
    try:
        names = sorted(n for n in os.listdir(path) if n != "__pycache__" and not n.endswith(".pyc")
                       and os.path.join(path, n) not in skip)
    except OSError:
        return None
    return _sha("\n".join(names).encode())


def _environ_digest(environ: Any) -> str:
    return _sha(repr(sorted(environ.items())).encode())


def _reads(read: Watched | None, skip: frozenset[str]) -> dict[str, Any]:
    """The header's record of the directories listed and the environment variables read."""
    if read is None:
        return {}
    dirs = {p: _listing(p, skip) for p in sorted({read.path(d) for d in read.dirs}) if not _ignored(Path(p))}
    env = {k: read.environ.get(k) for k in sorted(read.env)}  # as the import found them
    return {"listings": dirs, "environ": env, "environ_all": _environ_digest(read.environ) if read.env_all else None}


def _same_reads(header: dict[str, Any], skip: frozenset[str]) -> bool:
    """The directories list as they did and the environment variables hold what they held."""
    listings, env = header.get("listings") or {}, header.get("environ") or {}
    if not isinstance(listings, dict) or not isinstance(env, dict):
        return False
    if any(_listing(p, skip) != digest for p, digest in listings.items()):
        return False
    if any(os.environ.get(k) != v for k, v in env.items()):
        return False
    return header.get("environ_all") in (None, _environ_digest(os.environ))


class ModelCache:
    """The cache of one project (its config); every method is safe to call on a missing or damaged cache."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root.resolve()
        self.dir = self.root / CACHE_DIR
        self._env: dict[str, str] | None = None
        self._header: dict[str, Any] | None = None
        self._valid: bool | None = None

    @classmethod
    def for_config(cls, config: Config) -> ModelCache | None:
        if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
            return None
        return cls(config)

    def env(self) -> dict[str, str]:
        if self._env is None:
            self._env = environment(self.config)
        return self._env

    def _written(self) -> frozenset[str]:
        """What mizzle writes into the project, left out of directory listings: the cache, the migrations."""
        return frozenset({str(self.dir), os.path.normpath(str(self.root / self.config.out_dir))})

    def _targets(self) -> list[str]:
        from .loader import expand_schema_paths

        return expand_schema_paths(self.config.schema, self.config.root)

    def _read_header(self) -> dict[str, Any] | None:
        try:
            header = json.loads((self.dir / HEADER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return header if isinstance(header, dict) else None

    def valid(self) -> bool:
        """Every input the header records is unchanged (files compared by content)."""
        if self._valid is None:
            self._valid = self._check()
        return self._valid

    def _check(self) -> bool:
        header = self._read_header()
        if header is None or header.get("env") != self.env():
            return False
        try:
            if header.get("targets") != self._targets():
                return False
        except Exception:  # noqa: BLE001 - a pattern that no longer matches: the full import reports it
            return False
        files = header.get("files")
        if not isinstance(files, dict) or not files:
            return False
        for path, digest in files.items():
            if digest == ABSENT:
                if os.path.exists(path):
                    return False
            elif (_stamp(Path(path)) if digest.startswith("stat:") else _file_sha(path)) != digest:
                return False
        if not _same_reads(header, self._written()):
            return False
        self._header = header
        return True

    def model(self) -> Model | None:
        """The cached model, or None (inputs changed, no cache, a damaged cache)."""
        if not self.valid() or self._header is None:
            return None
        try:
            data = (self.dir / MODEL).read_bytes()
            if _sha(data) != self._header.get("model"):
                return None
            model = pickle.loads(data)  # noqa: S301 - written by mizzle in the project folder, hash-checked above
        except Exception:  # noqa: BLE001 - a damaged cache is a miss
            return None
        return model if isinstance(model, tuple) and len(model) == 2 else None

    def unchanged(self, folder: MigrationFolder) -> bool:
        """The model is known to equal the latest snapshot of `folder` as it is now: `generate` has nothing to do."""
        if not self.valid() or self._header is None:
            return False
        state = folder_state(folder)
        return state is not None and state in self._header.get("unchanged", [])

    def store(self, model: Model, read: Watched | None = None) -> None:
        """After a full import: the model and the files that import loaded — every module loaded now, wherever it
        lies (a package of the company's models beside the project, put on sys.path by the schema module; an
        installed package, which an upgrade changes), but the standard library's and mizzle's own — and what else
        it read (`read`: files, directory listings, environment variables; import_watch.py)."""
        from .loader import module_file

        files: dict[str, str] = {}
        targets = self._targets()
        candidates = [t for t in targets if t.endswith(".py")]
        candidates += [f for m in list(sys.modules.values()) if (f := module_file(m)) is not None]
        for file in candidates:
            resolved = Path(file).resolve()
            if _installed(resolved):
                digest = _stamp(resolved)
            elif _ignored(resolved) or not file.endswith(".py"):
                continue
            else:
                digest = _file_sha(resolved)
            if digest is None:
                return  # a module whose file is gone: nothing trustworthy to record
            files[str(resolved)] = digest
        if not files:
            return
        files.update(_data_digests(read))
        data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        header = {"env": self.env(), "targets": targets, "files": dict(sorted(files.items())), "model": _sha(data),
                  "unchanged": [], **_reads(read, self._written())}
        if self._write(MODEL, data) and self._write(HEADER, json.dumps(header, indent=1).encode()):
            self._header, self._valid = header, True

    def record_unchanged(self, folder: MigrationFolder) -> None:
        """The model (just loaded or stored) diffed clean against the folder's latest snapshot."""
        if self._header is None or not self._valid:
            return
        state = folder_state(folder)
        if state is None:
            return
        self._header["unchanged"] = [state]  # the latest state only: the file stays small
        self._write(HEADER, json.dumps(self._header, indent=1).encode())

    def _write(self, name: str, data: bytes) -> bool:
        """Atomically; a read-only project just goes without a cache."""
        try:
            self.dir.mkdir(exist_ok=True)
            ignore = self.dir / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# mizzle's cache (see mizzle/sources/cache.py): never committed\n*\n")
            tmp = self.dir / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, self.dir / name)
        except OSError:
            return False
        return True
