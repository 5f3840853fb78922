"""A speed trick for the tests, kept here and nowhere else: `python -m mizzle ARGS` run as a fork of a process that has
already imported mizzle's heavy dependencies, instead of a new interpreter importing them every time.

What it buys: a new interpreter spends ~0.3–0.6 s of CPU importing SQLAlchemy, psycopg, pglast, click and rich before
mizzle does anything, and the suite runs `mizzle` in a subprocess a few thousand times (`run_mizzle`, the realworld,
SQLAlchemy and schema-pair harnesses). The server (one per pytest process, started on first use) imports those
libraries once; each command is a fork of it.

What it keeps: each command still runs in a process of its own — the forked child — with its own working directory
and environment, fd 0 on /dev/null, stdout and stderr captured, `sys.argv` and `sys.path` as `python -m mizzle` sets
them (the working directory first, then PYTHONPATH's entries), its exit code as the interpreter gives it (SystemExit;
an uncaught exception's traceback and 1), and at its end the interpreter's own exit: non-daemon threads joined,
atexit handlers run, the standard streams flushed. What differs: the libraries imported before the fork (third-party
only — mizzle itself is imported by each child, so the code tested is the checkout's) are not imported again, and the
child shares the server's interpreter flags and hash seed. A call whose environment changes another PYTHON* variable
or the locale, or that comes while the server is busy (another thread), runs a real subprocess; so does every call
with MIZZLE_TEST_NO_FORK=1 set. tests/cli/test_mizzle_fork.py checks the two ways agree.
"""

from __future__ import annotations

import json
import locale
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# imported by the server before it forks: what every command needs and takes the most time to import
PRELOAD = ("sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite",
           "psycopg", "pglast", "click", "rich.console", "rich.table", "concurrent.futures", "tomllib")
# variables that a new interpreter reads at start-up (beside PYTHONPATH, which the child applies itself)
_STARTUP_VARS = ("LANG", "LC_ALL", "LC_CTYPE")
# the server's sys.path as `python -c` sets it once mizzle_fork is imported: '' (its cwd), PYTHONPATH's, the rest
_BOOT = "import sys; sys.path.insert(0, {support!r}); import mizzle_fork; del sys.path[0]; mizzle_fork.serve()"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _pythonpath_entries(env: dict[str, str], cwd: str) -> list[str]:
    """PYTHONPATH's entries as a new interpreter puts them on sys.path (absolute; an empty entry is the cwd)."""
    value = env.get("PYTHONPATH")
    if not value:
        return []
    return [os.path.abspath(os.path.join(cwd, e)) if e else cwd for e in value.split(os.pathsep)]


# -- the server (its own process) -------------------------------------------------------------------------

def serve() -> None:
    """Reads one JSON request a line on stdin; for each, forks a child that runs the command, replies with the
    child's pid, then with its exit code once it ends."""
    base = sys.path[1 + len(_pythonpath_entries(dict(os.environ), os.getcwd())):]  # the interpreter's own paths
    for name in PRELOAD:
        __import__(name)
    import gc

    gc.collect()
    gc.freeze()  # the children only read these objects: no copy-on-write of their pages by the collector
    requests = sys.stdin.buffer
    reply = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # nothing the server prints can corrupt its replies
    for line in requests:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            reply.close()
            _child(req, base, devnull)  # never returns
        reply.write(json.dumps({"pid": pid}).encode() + b"\n")
        _, status = os.waitpid(pid, 0)
        reply.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}).encode() + b"\n")


def _child(req: dict[str, Any], base: list[str], devnull: int) -> None:
    code = 1
    try:
        os.dup2(devnull, 0)
        os.close(devnull)
        for fd, path in ((1, req["stdout"]), (2, req["stderr"])):
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, fd)
            os.close(out)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        if "tempfile" in sys.modules:  # its folder is read from TMPDIR once: read it again, from this environment
            sys.modules["tempfile"].tempdir = None
        cwd = os.getcwd()
        sys.path[:] = [cwd, *_pythonpath_entries(req["env"], cwd), *base]
        sys.dont_write_bytecode = bool(req["env"].get("PYTHONDONTWRITEBYTECODE"))
        sys.argv = ["-m", *req["args"]]
        import runpy

        runpy.run_module("mizzle", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as e:
        code = _exit_code(e.code)
    except KeyboardInterrupt:
        import traceback

        traceback.print_exc()
        _finish()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # as the interpreter ends on an uncaught Ctrl-C: by SIGINT
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:  # noqa: BLE001 — what the interpreter prints for an uncaught exception, and exit 1
        sys.excepthook(*sys.exc_info())
    _finish()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish() -> None:
    """The interpreter's exit: non-daemon threads joined, atexit handlers run, the standard streams flushed."""
    import atexit

    try:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110 — a closed stream: as the interpreter, carry on
                pass


# -- the client (the pytest process) ----------------------------------------------------------------------

class _Client:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.env: dict[str, str] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="mizzle-fork-"))
        self.forks = 0

    def _server(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.env = dict(os.environ)
            boot = _BOOT.format(support=str(Path(__file__).resolve().parent))
            # unbuffered: the reply's second line must not wait in a buffer `select` cannot see
            self.proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         env=self.env, cwd=self.tmp, bufsize=0)
        return self.proc

    def close(self) -> None:
        import shutil

        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def usable(self, env: dict[str, str]) -> bool:
        if os.environ.get("MIZZLE_TEST_NO_FORK") == "1" or not hasattr(os, "fork"):
            return False
        self._server()
        return all(env.get(k) == self.env.get(k) for k in {*env, *self.env}
                   if (k.startswith("PYTHON") and k != "PYTHONPATH" and k != "PYTHONDONTWRITEBYTECODE")
                   or k in _STARTUP_VARS)

    def run(self, args: list[str], cwd: Path, env: dict[str, str], timeout: float | None) -> Ran:
        proc = self._server()
        assert proc.stdin is not None and proc.stdout is not None
        out, err = self.tmp / "stdout", self.tmp / "stderr"
        req = {"args": args, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err)}
        data = memoryview(json.dumps(req).encode() + b"\n")
        while data:
            data = data[proc.stdin.write(data) or 0:]
        pid = json.loads(proc.stdout.readline())["pid"]
        self.forks += 1
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        code = json.loads(proc.stdout.readline())["code"]
        ran = Ran(code, _text(out), _text(err))
        if not ready:
            raise subprocess.TimeoutExpired([sys.executable, "-m", "mizzle", *args], timeout or 0, ran.stdout,
                                            ran.stderr)
        return ran


def _text(path: Path) -> str:
    """As subprocess's text mode decodes a child's output: the locale's encoding, universal newlines."""
    data = path.read_bytes().decode(locale.getpreferredencoding(False))
    return data.replace("\r\n", "\n").replace("\r", "\n")


_client: _Client | None = None


def forks() -> int:
    """How many commands this process has run as forks so far."""
    return _client.forks if _client is not None else 0


def run(args: list[str], cwd: Path | str, env: dict[str, str] | None = None, timeout: float | None = None) -> Ran:
    """`python -m mizzle *args` in `cwd` with the environment `env` (default: this process's), its output
    captured as text — as subprocess.run(…, capture_output=True, text=True, timeout=timeout) would give it."""
    global _client
    env = dict(os.environ) if env is None else dict(env)
    if _client is None:
        import atexit

        _client = _Client()
        atexit.register(_client.close)
    if _client.usable(env) and _client.lock.acquire(blocking=False):
        try:
            return _client.run([str(a) for a in args], Path(os.path.abspath(cwd)), env, timeout)
        finally:
            _client.lock.release()
    p = subprocess.run([sys.executable, "-m", "mizzle", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    return Ran(p.returncode, p.stdout, p.stderr)
