"""How much of `mizzle verify`'s time is the per-step work, and how much is the replay itself.

    python benchmarks/verify_floor.py [--rounds 3] [--folder ../shared/realworld/drizzle/dokploy]

A diagnostic for issue 18's verify row (≤ 2× `mizzle migrate` of the same folder), not a test: each round runs,
interleaved and in fresh processes,
- `mizzle migrate` of the folder into a new empty database (the reference);
- verify as it is (`full`);
- verify without comparing (`no compare`: each step's database still read, no snapshot read or compared);
- verify without reading nor comparing (`replay only`: the scratch database made and dropped, the folder replayed
  with the server's change log installed, the final listing of what mizzle does not manage);
- the same without the change log (`replay, no log`).
The last three swap parts of mizzle.commands.verify for no-ops in their own process (see _VARIANTS): what they
print is a floor no change to the comparing could go below, the replay and its scratch database being what they are.
The stray files of a real folder (a .sql file the journal does not list, *.backup) are left out, as
bench_issue18.py leaves them out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN = os.environ.get("MIZZLE_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# each variant: Python run with `-c` in the project folder; {url} is the server to make the scratch database on
_VERIFY = """
import sys
from mizzle.commands import verify as V
from mizzle.config import load_config
{patch}
V.verify(load_config(), url={url!r})
"""
_VARIANTS = {
    "full": "",
    "no compare": "V._StepReporter.finish = lambda self, result: setattr(self, 'last', self.introspect())",
    "replay only": "V._StepReporter.finish = lambda self, result: None",
    "replay, no log": ("V._StepReporter.finish = lambda self, result: None\n"
                       "_replay = V.replay\n"
                       "V.replay = lambda *a, **k: _replay(*a, **{**k, 'watch': False})"),
}


def _project(folder: Path, into: Path) -> Path:
    tags = {e["tag"] for e in json.loads((folder / "meta" / "_journal.json").read_text())["entries"]}
    shutil.copytree(folder, into / "drizzle", ignore=lambda d, names: [
        n for n in names if n.endswith(".backup") or (n.endswith(".sql") and n[:-4] not in tags)])
    (into / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return into


def _timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--folder", default=str(ROOT.parent / "shared" / "realworld" / "drizzle" / "dokploy"))
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, capture_output=True)
    times: dict[str, list[float]] = {"migrate": [], **{k: [] for k in _VARIANTS}}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        proj = _project(Path(args.folder), Path(tmp))
        for r in range(args.rounds):
            name = f"mizzle_floor_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(ADMIN, autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{name}"')
            try:
                url = ADMIN.rsplit("/", 1)[0] + "/" + name
                times["migrate"].append(_timed([sys.executable, "-m", "mizzle", "migrate", "-q"], proj,
                                               {"DATABASE_URL": url}))
            finally:
                with psycopg.connect(ADMIN, autocommit=True) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for variant, patch in _VARIANTS.items():
                times[variant].append(_timed([sys.executable, "-c", _VERIFY.format(patch=patch, url=ADMIN)], proj))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    ref = statistics.median(times["migrate"])
    print(f"{Path(args.folder).name}, medians of {args.rounds} interleaved rounds; load average before "
          f"{load:.2f} / after {os.getloadavg()[0]:.2f}")
    print(f"  {'mizzle migrate (reference)':28s} {ref:6.3f} s")
    for variant in _VARIANTS:
        t = statistics.median(times[variant])
        print(f"  verify, {variant:20s} {t:6.3f} s  {t / ref:5.2f}×")


if __name__ == "__main__":
    main()
