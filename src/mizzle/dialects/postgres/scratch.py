"""A throwaway PostgreSQL cluster for `verify` and `check --rebuild-snapshots` when no server is given: the
installed server binaries (`initdb`, `postgres`) start a cluster in a temporary folder, reachable only through
a Unix socket in that folder (TCP on a free local port, with a random password, where there are no Unix
sockets), with fsync off; it is
shut down (fast) and the folder removed on success, failure, Ctrl-C and SIGTERM. Should mizzle be killed
outright, the server dies with it (Linux: the parent-death signal) and the next cluster removes the folder.

`initdb` and `postgres` refuse to run as root, so as root they run as the unprivileged user `nobody`.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import ConnectError, UsageError
from ...runner.interrupt import sigterm_as_ctrl_c

if TYPE_CHECKING:
    from ...dburl import DatabaseURL

BINDIR_ENV = "MIZZLE_PG_BINDIR"  # use the binaries of this folder only
UNPRIVILEGED_USER = "nobody"
SCRATCH_PREFIX = "mizzle_verify_"  # a scratch database on a given server: mizzle_verify_<random>
SUPERUSER = "postgres"
START_TIMEOUT = 60.0
_SOCKET_PATH_MAX = 100  # sun_path is 104-108 bytes depending on the OS

# everything here is thrown away: durability buys nothing
_SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "autovacuum=off",
                    "max_wal_senders=0", "wal_level=minimal", "logging_collector=off")


def find_bindir() -> Path | None:
    """The folder holding `initdb` and `postgres`: $MIZZLE_PG_BINDIR if set (and only it), else the folder of
    `initdb` on PATH, `pg_config --bindir`, then the usual install locations (newest version first)."""
    forced = os.environ.get(BINDIR_ENV)
    if forced:
        return Path(forced) if _has_server(Path(forced)) else None
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    patterns = ["/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/opt/postgresql*/bin",
                "/usr/local/opt/postgresql*/bin", "/Applications/Postgres.app/Contents/Versions/*/bin",
                "C:/Program Files/PostgreSQL/*/bin"]
    for pattern in patterns:
        candidates += sorted((Path(p) for p in glob.glob(pattern)), key=_version_key, reverse=True)
    return next((c for c in candidates if _has_server(c)), None)


def _exe(bindir: Path, name: str) -> Path:
    return bindir / (name + (".exe" if os.name == "nt" else ""))


def _has_server(bindir: Path) -> bool:
    return all(os.access(_exe(bindir, n), os.X_OK) for n in ("initdb", "postgres"))


def _version_key(p: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", str(p))) or (0,)


def _no_binaries_error(flag: str) -> UsageError:
    forced = os.environ.get(BINDIR_ENV)
    where = f"in ${BINDIR_ENV} ({forced})" if forced else "(searched PATH, pg_config and the usual install folders)"
    return UsageError(
        f"no PostgreSQL server given and no PostgreSQL server binaries (initdb, postgres) found {where} to start a "
        f"throwaway one; pass {flag} postgresql://USER@HOST/postgres",
        f"{flag} names a server where this user may CREATE DATABASE (--url / --env / DATABASE_URL work too). Or "
        f"install the PostgreSQL server and put its bin folder on PATH (or set ${BINDIR_ENV}).")


class _Runner:
    """Runs the server's programs, as `nobody` when this process is root."""

    def __init__(self, workdir: Path, flag: str) -> None:
        self.workdir, self.flag = workdir, flag
        self.user: dict[str, Any] = {}
        self.owner: tuple[int, int] | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd

            try:
                pw = pwd.getpwnam(UNPRIVILEGED_USER)
            except KeyError:
                raise ConnectError(
                    f"cannot start a throwaway PostgreSQL cluster as root: initdb refuses to run as root and there "
                    f"is no user {UNPRIVILEGED_USER!r} to run it as; pass {flag} postgresql://USER@HOST/postgres",
                    "Or run mizzle as a non-root user.") from None
            self.user = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
            self.owner = (pw.pw_uid, pw.pw_gid)
            os.chown(workdir, pw.pw_uid, pw.pw_gid)

    def private_file(self, path: Path, text: str) -> None:
        """A file only the server's user can read."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        if self.owner is not None:
            os.chown(path, *self.owner)

    def popen(self, args: list[str], log: Any, new_session: bool = False,
              death_signal: int | None = None) -> subprocess.Popen[bytes]:
        extra: dict[str, Any] = dict(self.user)
        if death_signal is not None and sys.platform.startswith("linux"):
            extra["preexec_fn"] = _die_with_parent(death_signal)
        try:
            return subprocess.Popen(args, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=new_session, env=_child_env(), **extra)
        except (OSError, subprocess.SubprocessError) as e:
            as_user = f" as user {UNPRIVILEGED_USER}" if self.user else ""
            raise ConnectError(f"cannot start a throwaway PostgreSQL cluster: running {Path(args[0]).name}{as_user} "
                               f"failed: {e}; pass {self.flag} postgresql://USER@HOST/postgres",
                               "Or run mizzle as a non-root user.") from None


def _die_with_parent(sig: int) -> Any:
    """preexec_fn (Linux): the child gets `sig` when mizzle dies, even by SIGKILL, so no server outlives it. Set
    after the switch to `nobody` (a change of user would clear it)."""
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def set_death_signal() -> None:
        prctl(pr_set_pdeathsig, sig)

    return set_death_signal


def _sweep_stale(base: Path) -> None:
    """Remove what a killed mizzle left in `base`: folders whose owner process is gone (their server, if
    still running, gets an immediate shutdown first). Folders of running processes are left alone."""
    for d in base.glob("mizzle-pg-*"):
        try:
            owner = int((d / "owner").read_text())
        except (OSError, ValueError):
            continue  # being created, or not ours
        if _alive(owner):
            continue
        try:
            server: int | None = int((d / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            server = None
        if server is not None and _alive(server):
            try:
                if str(d).encode() not in Path(f"/proc/{server}/cmdline").read_bytes():
                    server = None  # the pid was reused by another process
            except OSError:
                continue  # no way to tell what it is: leave it
            if server is not None:
                os.kill(server, signal.SIGQUIT)
                for _ in range(100):
                    if not _alive(server):
                        break
                    time.sleep(0.05)
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C")
    return env


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    useful = [ln for ln in text if ln.strip()][-lines:]
    return " / ".join(ln.strip() for ln in useful)


def _workdir() -> Path:
    """A private temporary folder; as root it must be reachable by `nobody`, so its parents must be
    searchable by everyone (the usual /tmp is; a TMPDIR under /root is not)."""
    base = Path(tempfile.gettempdir())
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not all(os.stat(p).st_mode & 0o001
                                                                  for p in [base, *base.parents]):
        base = Path("/tmp")
    _sweep_stale(base)
    workdir = Path(tempfile.mkdtemp(prefix="mizzle-pg-", dir=base))
    (workdir / "owner").write_text(str(os.getpid()))
    return workdir


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Let a teardown finish: Ctrl-C and SIGTERM are ignored while it runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in sigs}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def throwaway_cluster(*, flag: str = "--scratch-url", use_tcp: bool | None = None,
                      start_timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Start a new PostgreSQL cluster from the installed binaries and yield the URL of its `postgres`
    database (superuser `postgres`, trust authentication, reachable only by this machine). Raises UsageError
    when there are no binaries, ConnectError when the cluster cannot be started; `flag` is named in both."""
    bindir = find_bindir()
    if bindir is None:
        raise _no_binaries_error(flag)
    with sigterm_as_ctrl_c():  # a cancelled CI job: the cluster cleaned up
        workdir = _workdir()
        server = initdb = None
        try:
            runner = _Runner(workdir, flag)
            data, log_path = workdir / "data", workdir / "server.log"
            if use_tcp is None:
                use_tcp = os.name == "nt" or len(str(workdir / ".s.PGSQL.5432")) > _SOCKET_PATH_MAX
            # the socket folder is private, so local connections are trusted; TCP (where there are no sockets)
            # is open to every local user, so it takes a password
            password = secrets.token_hex(16)
            runner.private_file(workdir / "pwfile", password + "\n")
            with open(log_path, "ab") as log:
                initdb = runner.popen([str(_exe(bindir, "initdb")), "-D", str(data), "-U", SUPERUSER,
                                       f"--pwfile={workdir / 'pwfile'}", "--auth-local=trust",
                                       "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"], log,
                                      death_signal=signal.SIGKILL)
                if initdb.wait() != 0:
                    raise ConnectError(f"cannot start a throwaway PostgreSQL cluster: initdb failed: "
                                       f"{_tail(log_path)}; pass {flag} postgresql://USER@HOST/postgres")
                port = _free_port() if use_tcp else 5432
                listen = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="] if use_tcp else \
                         ["-c", "listen_addresses=", "-c", f"unix_socket_directories={workdir}"]
                settings = [a for s in _SERVER_SETTINGS for a in ("-c", s)]
                server = runner.popen([str(_exe(bindir, "postgres")), "-D", str(data), "-p", str(port),
                                       *listen, *settings], log, new_session=True,
                                      death_signal=signal.SIGQUIT)  # SIGQUIT: the server's immediate shutdown
            host = "127.0.0.1" if use_tcp else str(workdir)
            url = (f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{port}/postgres" if use_tcp
                   else f"postgresql://{SUPERUSER}@/postgres?host={workdir}&port={port}")
            _wait_ready(server, host, port, password, log_path, start_timeout, flag)
            yield url
        finally:
            with signals_deferred():
                if initdb is not None and initdb.poll() is None:
                    initdb.kill()
                    initdb.wait()
                if server is not None:
                    _stop(server)
                shutil.rmtree(workdir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(server: subprocess.Popen[bytes], host: str, port: int, password: str, log_path: Path,
                timeout: float, flag: str) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise ConnectError(f"cannot start a throwaway PostgreSQL cluster: the server exited: {_tail(log_path)}; "
                               f"pass {flag} postgresql://USER@HOST/postgres")
        try:
            psycopg.connect(host=host, port=port, user=SUPERUSER, password=password, dbname="postgres",
                            connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise ConnectError(f"cannot start a throwaway PostgreSQL cluster: not ready after {timeout:.0f} s: "
                                   f"{_tail(log_path)}; pass {flag} postgresql://USER@HOST/postgres") from None
            time.sleep(0.02)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL."""
    if server.poll() is not None:
        return
    steps: list[tuple[int, float]] = [(signal.SIGINT, 15.0)]
    if sys.platform != "win32":
        steps += [(signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)]
    for sig, wait in steps:
        try:
            server.send_signal(sig)
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return
    server.kill()


@contextmanager
def scratch_database(server_url: str, *, connect_timeout: float = 10, flag: str = "--scratch-url") -> Iterator[str]:
    """A new, empty database on the server of `server_url`; its URL is yielded, and it is dropped whatever
    happens (Ctrl-C and SIGTERM during the drop are ignored so the drop completes)."""
    import psycopg
    from psycopg import errors as pgerrors

    from ...dburl import parse_url
    from .connection import connect

    server = parse_url(server_url)
    if server.dialect != "postgresql":
        raise UsageError(f"a scratch database needs a PostgreSQL server, and {server.masked} is {server.dialect}",
                         f"Pass {flag} postgresql://USER@HOST/postgres.")
    name = SCRATCH_PREFIX + secrets.token_hex(6)
    with sigterm_as_ctrl_c(), \
            connect(server, connect_timeout=connect_timeout, application_name="mizzle verify") as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
        except pgerrors.InsufficientPrivilege as e:
            raise UsageError(
                f"cannot create a scratch database on {server.where}: {str(e).strip().splitlines()[0]}; "
                f"pass {flag} URL",
                f"{flag} names a server where this user may CREATE DATABASE (any database on it, e.g. "
                f"{flag} postgresql://postgres@localhost/postgres); or grant CREATEDB to the user; or, with no "
                "PostgreSQL URL at all, mizzle starts a throwaway local cluster.") from None
        except psycopg.Error as e:
            raise UsageError(f"cannot create a scratch database on {server.where}: "
                             f"{str(e).strip().splitlines()[0]}; pass {flag} URL to use another server") from None
        try:
            _scratch_settings(admin, name)
            yield _with_database(server, name)
        finally:
            with signals_deferred():
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _scratch_settings(admin: Any, name: str) -> None:
    """Speed, the scratch database's sessions only (a throwaway database, replayed once):
    - `synchronous_commit = off`: a commit does not wait for the WAL flush; no durability is needed, and verify's
      replay commits once per migration (186 times on dokploy);
    - `plan_cache_mode = force_generic_plan`: the introspection after each migration runs the same prepared catalogue
      queries with other table oids, and PostgreSQL planned each execution again (a custom plan, ~1–2 ms a query
      for a few rows); planned once, one step's three per-table queries took ~2.3 ms against ~4.2 (dokploy).
    - `jit = off`: no catalogue reading repays a compile (introspect_repeat.without_jit), and a replay's catalogue,
      analyzed by autovacuum as it grows, can pass jit_above_cost.
    A server that refuses any of them replays at the usual speed."""
    import psycopg

    for setting in ("synchronous_commit = off", "plan_cache_mode = force_generic_plan", "jit = off"):
        try:
            admin.execute(f'ALTER DATABASE "{name}" SET {setting}')
        except psycopg.Error:
            pass


def _with_database(url: DatabaseURL, name: str) -> str:
    from urllib.parse import quote

    auth = ""
    if url.username:
        auth = quote(url.username, safe="") + (":" + quote(url.password, safe="") if url.password else "") + "@"
    query = list(url.query)
    host = url.host or ""
    if host.startswith("/"):  # a socket directory goes in the query, as libpq spells it
        query.insert(0, ("host", host))
        host = ""
    port = f":{url.port}" if url.port else ""
    q = "&".join(f"{k}={quote(v, safe='/')}" for k, v in query)
    return f"postgresql://{auth}{host}{port}/{quote(name, safe='')}" + (f"?{q}" if q else "")


# CREATE ROLE / USER / GROUP name (quoted or not), in a migration's text
_CREATE_ROLE = re.compile(r'(?is)\bCREATE\s+(?:ROLE|USER|GROUP)\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[a-z_][\w$]*)')


def roles_made_by(texts: Iterable[str]) -> set[str]:
    """The roles the migrations' texts create (`CREATE ROLE`, USER, GROUP; in a DO block too, as mizzle guards it)."""
    return {_role_name(m.group(1)) for t in texts for m in _CREATE_ROLE.finditer(t)}


@contextmanager
def roles_made_dropped(conn: Any, texts: Iterable[str]) -> Iterator[None]:
    """Around a replay into the scratch database behind `conn`: the roles that did not exist before it and that a
    migration's `CREATE ROLE` (USER, GROUP) names are dropped when the block ends (their objects and privileges in
    the scratch database first: `DROP OWNED BY`). Roles are the cluster's, so they outlived the scratch database:
    the next verify's CREATE ROLE failed on them (tambo's folder), and a server kept roles nobody asked for. A role
    the migrations make in a way this does not read (EXECUTE format(…)) is left; one that cannot be dropped stays
    as it is (best effort: the replay's own result stands)."""
    import psycopg

    named = roles_made_by(texts)
    before = _roles(conn) if named else set()
    try:
        yield
    finally:
        if named and not conn.closed:
            for role in sorted((_roles(conn) - before) & named):
                try:
                    quoted = '"' + role.replace('"', '""') + '"'
                    conn.execute(f"DROP OWNED BY {quoted}")
                    conn.execute(f"DROP ROLE {quoted}")
                except psycopg.Error:
                    pass


def _roles(conn: Any) -> set[str]:
    return {r[0] for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}


def _role_name(token: str) -> str:
    return token[1:-1].replace('""', '"') if token.startswith('"') else token.lower()
