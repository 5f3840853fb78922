"""Real-world drizzle-kit harness: run the checks a–h of ../shared/realworld/README.md on one folder.

Each check runs the real `mizzle` command (a subprocess, `--json` where it has one) or drizzle-orm's own
migrator (tests/interop/migrate.mjs) against the PostgreSQL server, and turns what it reports into finding
lines in the formats EXPECTED.txt documents:

  a  "as-is refused" | "dumps differ" | "drizzle rc N" | "mizzle rc N"
  b  "error: PATH: message" / "warning: PATH: message"            (mizzle check --json)
  c  "problem: …" / "warning: …" / "TAG: STATE" / "second migrate: …" (status, then migrate, on drizzle's database)
  d  one change line per difference, "TAG: not compared"          (mizzle verify --json)
  e  one change line, "warning: …"                                (mizzle drift --json on drizzle's database)
  f  one change line                                              (mizzle pull, then generate --check --json)
  g  "RULE FILE:LINE: message"      (mizzle lint --json; only rules that claim the SQL fails: see LINT_CLAIMS)
  h  "KIND GENERAL-PATH @ CONCRETE-PATH: original → rebuilt"      (snapshots deleted, check --rebuild-snapshots)
     "+ GENERAL-PATH @ CONCRETE-PATH = rebuilt" / "- … = original" for a key on one side only

A command that does not give its normal answer adds "<command> rc N: <first error line>" to its step, and
"<command> crashed: <last traceback line>" when mizzle printed a traceback. Findings are de-duplicated per
step (the same divergence carried through 100 later snapshots is one line).

Nothing is written into the input folder: every step works on a temporary copy. When `mizzle migrate`
refuses the folder as it is, step a says "as-is refused" and c–h run on a copy with the `.sql` files the
journal does not list moved out (b always checks the folder as it is).

Usage (by hand):  python tests/integration/realworld/rw_harness.py FOLDER [--steps abcdefgh] [--admin-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]
INTEROP = PROJECT / "tests" / "interop"
INTEROP1 = PROJECT / "tests" / "interop1"  # drizzle-orm 1.x, for folders of the 1.x layout
REALWORLD = (PROJECT / ".." / "shared" / "realworld" / "drizzle").resolve()
ADMIN_URL = os.environ.get("MIZZLE_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STEPS = "abcdefgh"
# Lint rules whose findings claim the SQL is broken: it does not parse (MZ0xx), or it fails in the transaction
# it runs in (MZ3xx), or on a rerun (MZ4xx). drizzle-orm ran every file of these folders, so each such finding
# is checkable. MZ1xx (destructive) and MZ2xx (locking) are deploy-safety advice, true of any DROP COLUMN or
# plain CREATE INDEX a team wrote on purpose: they are counted in the notes, not reported as findings.
LINT_CLAIMS = ("MZ0", "MZ3", "MZ4")
TIMEOUT = 900  # seconds for one command (dokploy's 186 migrations replayed take well under a minute)

sys.path.insert(0, str(PROJECT / "tests" / "support"))
import mizzle_fork  # noqa: E402
from pgtools import drop_later  # noqa: E402


@dataclass
class Report:
    folder: str
    findings: dict[str, list[str]] = field(default_factory=dict)  # step letter → finding lines, in order
    seconds: dict[str, float] = field(default_factory=dict)  # step letter (and "setup") → seconds
    notes: list[str] = field(default_factory=list)  # what the harness did (e.g. stray files moved out)

    def add(self, step: str, line: str) -> None:
        lines = self.findings.setdefault(step, [])
        if line not in lines:
            lines.append(line)


# --- expectations (EXPECTED.txt, KNOWN_GAPS.txt) ------------------------------------------------------

EXPECTED = REALWORLD / "EXPECTED.txt"
KNOWN_GAPS = HERE / "KNOWN_GAPS.txt"


@dataclass(frozen=True)
class Expectation:
    source: str  # "EXPECTED.txt:12"
    folder: str  # a folder name or "*"
    steps: str
    regex: re.Pattern[str]

    def matches(self, folder: str, step: str, line: str) -> bool:
        if not (self.folder in ("*", folder) and step in self.steps):
            return False
        return any(self.regex.search(form) is not None for form in older_forms(line))

    def __str__(self) -> str:
        return f"{self.folder} {self.steps} {self.regex.pattern}"


def older_forms(line: str) -> list[str]:
    """`line` and the lines mizzle wrote for the same finding before one `~` line named both values (issue 14
    item 7), which EXPECTED.txt's regexes were written against: `~ index X on T: …` was `- index X on T` and
    `+ index X on T` (so too foreign keys, uniques and checks); `default a → b` was `default b`."""
    forms = [line]
    m = re.match(r"~ (index|foreign key|unique|check) (\S+) on (\S+?):? ", line)
    if m:
        kind, name, table = m.groups()
        forms += [f"- {kind} {name} on {table}", f"+ {kind} {name} on {table}"]
    m = re.match(r"(.*~ column \S+: .*?)default \S.* → (.*)$", line)
    if m:
        forms.append(f"{m.group(1)}default {m.group(2)}")
    return forms


def load_expectations(path: Path) -> list[Expectation]:
    """`FOLDER STEPS REGEX` lines (comments and blank lines skipped); a malformed line is an error."""
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split(" ", 2)
        if len(parts) != 3 or not parts[1] or set(parts[1]) - set(STEPS):
            raise ValueError(f"{path.name}:{n}: expected `FOLDER STEPS REGEX`, got {raw!r}")
        try:
            rx = re.compile(parts[2])
        except re.error as e:
            raise ValueError(f"{path.name}:{n}: bad regex {parts[2]!r}: {e}") from None
        out.append(Expectation(f"{path.name}:{n}", parts[0], parts[1], rx))
    return out


def classify(report: Report, expected: list[Expectation], known: list[Expectation]
             ) -> tuple[dict[str, list[str]], dict[str, list[str]], set[Expectation]]:
    """Split the findings into (expected: real problems of the folder, known: false alarms listed in
    KNOWN_GAPS.txt, by step) and return with them the KNOWN_GAPS lines of this folder that matched nothing.
    Unexpected findings are what is left: report.findings minus both."""
    exp: dict[str, list[str]] = {}
    kn: dict[str, list[str]] = {}
    used: set[Expectation] = set()
    for step, lines in report.findings.items():
        for line in lines:
            if any(e.matches(report.folder, step, line) for e in expected):
                exp.setdefault(step, []).append(line)
                continue
            hits = [k for k in known if k.matches(report.folder, step, line)]
            if hits:
                used.update(hits)
                kn.setdefault(step, []).append(line)
    stale = {k for k in known if k.folder in ("*", report.folder) and k not in used}
    return exp, kn, stale


def unexpected(report: Report, expected: list[Expectation], known: list[Expectation]) -> dict[str, list[str]]:
    return {step: [ln for ln in lines
                   if not any(e.matches(report.folder, step, ln) for e in expected + known)]
            for step, lines in report.findings.items()}


# --- databases -------------------------------------------------------------------------------------------

def _admin(admin_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(admin_url, autocommit=True, connect_timeout=5)


@contextmanager
def temp_database(admin_url: str, prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _admin(admin_url) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        drop_later(name, admin_url)


def schema_dump(url: str) -> str:
    """`pg_dump -s` without the tracking schema, the `\\restrict`/`\\unrestrict` lines (random keys since pg_dump
    15.14), comments and blank lines."""
    out = subprocess.run([shutil.which("pg_dump") or "pg_dump", "-s", "--no-owner", "--no-privileges",
                          "-N", "drizzle", url], check=True, capture_output=True, text=True).stdout
    return "\n".join(ln for ln in out.splitlines()
                     if ln.strip() and not ln.startswith(("\\restrict", "\\unrestrict", "--")))


# --- running commands ------------------------------------------------------------------------------------

@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON document on stdout, or None."""
        text = self.stdout.strip()
        if not text.startswith(("{", "[")):
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def failure(self, what: str) -> str:
        """One line saying how the command failed: its traceback's last line, else its first error line."""
        if "Traceback (most recent call last)" in self.stderr:
            last = [ln for ln in self.stderr.splitlines() if ln.strip()][-1].strip()
            return f"{what} crashed: {last}"
        err = next((ln.strip() for ln in self.stderr.splitlines() if ln.startswith("error:")), "")
        err = err or next((ln.strip() for ln in self.stderr.splitlines() if ln.strip()), "(no output)")
        return f"{what} rc {self.code}: {err}"


def mizzle(args: list[str], cwd: Path, timeout: float = TIMEOUT) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = mizzle_fork.run(args, cwd=cwd, env=env, timeout=timeout)  # `python -m mizzle`, forked: a speed trick
    return Run(p.returncode, p.stdout, p.stderr)


def drizzle_migrate(url: str, folder: Path) -> Run:
    node = shutil.which("node")
    where = INTEROP1 if is_v1(folder) else INTEROP
    if not node or not (where / "node_modules" / "drizzle-orm").is_dir():
        raise RuntimeError(f"node and {where.relative_to(PROJECT)}/node_modules/drizzle-orm are needed: "
                           f"cd {where.relative_to(PROJECT)} && npm ci")
    p = subprocess.run([node, "migrate.mjs", url, str(folder)], cwd=where, capture_output=True, text=True,
                       timeout=TIMEOUT)
    return Run(p.returncode, p.stdout, p.stderr)


def write_config(project: Path, out: Path, schema: Path | None = None) -> Path:
    text = f'dialect = "postgresql"\nout = {json.dumps(str(out))}\n'
    if schema is not None:
        text += f"schema = [{json.dumps(str(schema))}]\n"
    (project / "mizzle.toml").write_text(text, encoding="utf-8")
    return project


# --- the folder ------------------------------------------------------------------------------------------

def is_v1(folder: Path) -> bool:
    """drizzle-kit 1.x's layout: `<timestamp>_<name>/{migration.sql,snapshot.json}`, no journal."""
    return not (folder / "meta" / "_journal.json").is_file() and any(folder.glob("*/migration.sql"))


def journal(folder: Path) -> list[dict[str, Any]]:
    if is_v1(folder):  # the folders in name order stand for the journal's entries
        return [{"tag": p.parent.name} for p in sorted(folder.glob("*/migration.sql"))]
    return json.loads((folder / "meta" / "_journal.json").read_text(encoding="utf-8"))["entries"]


def stray_sql(folder: Path) -> list[Path]:
    """The `.sql` files of the folder that the journal does not list (drizzle-orm never runs them)."""
    if is_v1(folder):
        return []  # no journal to disagree with
    tags = {e["tag"] for e in journal(folder)}
    return sorted(p for p in folder.glob("*.sql") if p.stem not in tags)


def snapshot_path(folder: Path, tag: str, idx: int) -> Path | None:
    """The snapshot of a journal entry: meta/<prefix>_snapshot.json (drizzle-kit's name, whatever the prefix),
    else meta/NNNN_snapshot.json by position (1.x: <tag>/snapshot.json); None when neither exists."""
    if is_v1(folder):
        p = folder / tag / "snapshot.json"
        return p if p.is_file() else None
    for name in (tag.split("_", 1)[0], f"{idx:04d}"):
        p = folder / "meta" / f"{name}_snapshot.json"
        if p.is_file():
            return p
    return None


# --- snapshot diff (step h) ------------------------------------------------------------------------------

NAMED = {"tables", "enums", "schemas", "sequences", "roles", "policies", "views", "columns", "indexes",
         "foreignKeys", "compositePrimaryKeys", "uniqueConstraints", "checkConstraints"}
SKIPPED_TOP = {"id", "prevId", "prevIds"}  # a rebuilt snapshot's identity is new by design (prevIds: drizzle-kit 1.x)
# drizzle-kit 1.x (version 8/9) snapshots: lists of rows whose order means nothing (drizzle-kit's check reads the
# footprints as a set; the deltas and ddl rows are keyed): compared as multisets, one line per row on one side only
UNORDERED_TOP = {"ddl", "deltas", "footprints"}


def _render(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def _json_default(v: Any) -> Any:
    """A default's JSON value when it is a quoted JSON literal (optionally cast to json/jsonb), else a sentinel."""
    if not isinstance(v, str):
        return _NO
    m = re.fullmatch(r"'(.*)'(::jsonb?)?", v.strip(), re.S)
    if not m:
        return _NO
    try:
        return json.loads(m.group(1).replace("''", "'"))
    except ValueError:
        return _NO


_NO = object()


def snapdiff(original: dict[str, Any], rebuilt: dict[str, Any]) -> list[str]:
    """Every difference between two snapshots, one line each (see the module docstring for the forms)."""
    lines: list[str] = []

    def annotate(general: str, concrete: list[str], a: Any, b: Any) -> str:
        if general.endswith(".columns.<name>.notNull") and concrete[0] == "tables":
            table, col = concrete[1], concrete[3]
            for snap in (original, rebuilt):
                pks = (snap.get("tables", {}).get(table) or {}).get("compositePrimaryKeys") or {}
                if any(col in (pk.get("columns") or []) for pk in pks.values() if isinstance(pk, dict)):
                    return " (composite key member)"
        if general.endswith(".default"):
            ja, jb = _json_default(a), _json_default(b)
            if ja is not _NO and ja == jb:
                return " (JSON re-rendered)"
        return ""

    def walk(a: Any, b: Any, general: list[str], concrete: list[str]) -> None:
        g, c = ".".join(general), ".".join(concrete)
        if isinstance(a, dict) and isinstance(b, dict):
            named = bool(general) and general[-1] in NAMED
            for k in list(a) + [k for k in b if k not in a]:
                if not concrete and k in SKIPPED_TOP:
                    continue
                gk = "<name>" if named else k
                sub_g, sub_c = [*general, gk], [*concrete, k]
                if k not in b:
                    lines.append(f"- {'.'.join(sub_g)} @ {'.'.join(sub_c)} = {_render(a[k])}")
                elif k not in a:
                    lines.append(f"+ {'.'.join(sub_g)} @ {'.'.join(sub_c)} = {_render(b[k])}")
                else:
                    walk(a[k], b[k], sub_g, sub_c)
            return
        if (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(isinstance(x, dict) for x in a + b) and a):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, [*general, "[]"], [*concrete, f"[{i}]"])
            return
        if a != b:
            lines.append(f"~ {g}{annotate(g, concrete, a, b)} @ {c}: {_render(a)} → {_render(b)}")

    def rows(snap: dict[str, Any], key: str) -> list[str]:
        return sorted(_render(r) for r in snap.get(key) or [])

    for key in UNORDERED_TOP & (set(original) | set(rebuilt)):
        a_rows, b_rows = rows(original, key), rows(rebuilt, key)
        for r in a_rows:
            if r in b_rows:
                b_rows.remove(r)
            else:
                lines.append(f"- {key}[] = {r}")
        lines += [f"+ {key}[] = {r}" for r in b_rows]
    walk({k: v for k, v in original.items() if k not in UNORDERED_TOP},
         {k: v for k, v in rebuilt.items() if k not in UNORDERED_TOP}, [], [])
    return lines


# --- the checks ------------------------------------------------------------------------------------------

class Harness:
    def __init__(self, folder: Path, work: Path, admin_url: str, report: Report) -> None:
        self.folder, self.work, self.admin_url, self.report = folder, work, admin_url, report
        self.clean = folder  # the folder c–h run on (a copy without stray .sql files when mizzle refuses)
        self.drizzle_url: str | None = None  # the database drizzle-orm's migrator built

    def project(self, name: str, out: Path, schema: Path | None = None) -> Path:
        p = self.work / name
        p.mkdir(exist_ok=True)
        return write_config(p, out, schema)

    def copy(self, name: str) -> Path:
        dest = self.work / name
        shutil.copytree(self.clean, dest)
        return dest

    def step_a(self, mizzle_url: str) -> None:
        """drizzle-orm's migrator (already run into self.drizzle_url) and `mizzle migrate` build one schema."""
        r = self.report
        asis = self.work / "asis"
        shutil.copytree(self.folder, asis)
        proj = self.project("proj_a", asis)
        run = mizzle(["migrate", "-q", "--url", mizzle_url], proj)
        if run.code == 3 and stray_sql(asis):
            r.add("a", "as-is refused")
            self.make_clean()
            run = mizzle(["migrate", "-q", "--url", mizzle_url], self.project("proj_a2", self.clean))
        if run.code != 0:
            r.add("a", f"mizzle rc {run.code}")
            r.notes.append(run.failure("mizzle migrate"))
            return
        if self.drizzle_url is not None and schema_dump(self.drizzle_url) != schema_dump(mizzle_url):
            r.add("a", "dumps differ")
            a, b = schema_dump(self.drizzle_url).splitlines(), schema_dump(mizzle_url).splitlines()
            import difflib

            diff = list(difflib.unified_diff(a, b, "drizzle-orm", "mizzle", lineterm="", n=1))
            r.notes.append("dump diff (first 40 lines):\n" + "\n".join(diff[:40]))

    def make_clean(self) -> None:
        if self.clean is not self.folder:
            return
        strays = stray_sql(self.folder)
        if not strays:
            return
        dest = self.work / "clean"
        shutil.copytree(self.folder, dest)
        for p in strays:
            (dest / p.name).unlink()
        self.report.notes.append("c–h run without " + ", ".join(p.name for p in strays) + " (not in the journal)")
        self.clean = dest

    def step_b(self) -> None:
        asis = self.work / "asis_b"
        shutil.copytree(self.folder, asis)
        run = mizzle(["check", "--json"], self.project("proj_b", asis))
        doc = run.json()
        if not isinstance(doc, dict):
            self.report.add("b", run.failure("check"))
            return
        for level in ("errors", "warnings"):
            for f in doc.get(level) or []:
                path = f"{f['path']}: " if f.get("path") else ""
                self.report.add("b", f"{f.get('level', level[:-1])}: {path}{f['message']}")

    def step_c(self) -> None:
        assert self.drizzle_url
        proj = self.project("proj_c", self.copy("folder_c"))
        run = mizzle(["status", "--json", "--url", self.drizzle_url], proj)
        doc = run.json()
        if not isinstance(doc, dict):
            self.report.add("c", run.failure("status"))
        else:
            for p in doc.get("problems") or []:
                self.report.add("c", f"problem: {p}")
            for w in doc.get("warnings") or []:
                self.report.add("c", f"warning: {w}")
            for m in doc.get("migrations") or []:
                if m.get("state") != "applied":
                    self.report.add("c", f"{m.get('tag')}: {m.get('state')}")
        run = mizzle(["migrate", "--json", "--url", self.drizzle_url], proj)
        doc = run.json()
        if run.code != 0 or not isinstance(doc, dict):
            self.report.add("c", "second migrate: " + run.failure("migrate"))
            return
        for w in doc.get("warnings") or []:
            self.report.add("c", f"second migrate: warning: {w}")
        if doc.get("applied"):
            tags = [m.get("tag") for m in doc.get("migrations") or [] if m.get("status") == "applied"]
            self.report.add("c", f"second migrate: applied {doc['applied']}: {', '.join(map(str, tags[:5]))}"
                            + (" …" if len(tags) > 5 else ""))

    def step_d(self) -> None:
        proj = self.project("proj_d", self.copy("folder_d"))
        run = mizzle(["verify", "--json", "--scratch-url", self.admin_url], proj)
        doc = run.json()
        if not isinstance(doc, dict) or "migrations" not in doc:
            self.report.add("d", run.failure("verify"))
            return
        for m in doc["migrations"]:
            if not m.get("compared"):
                self.report.add("d", f"{m['tag']}: not compared")
            for ch in m.get("changes") or []:
                self.report.add("d", ch)

    def step_e(self) -> None:
        assert self.drizzle_url
        proj = self.project("proj_e", self.copy("folder_e"))
        run = mizzle(["drift", "--json", "--url", self.drizzle_url], proj)
        doc = run.json()
        if not isinstance(doc, dict) or "changes" not in doc:
            self.report.add("e", run.failure("drift"))
            return
        for w in doc.get("warnings") or []:
            self.report.add("e", f"warning: {w}")
        for ch in doc["changes"]:
            self.report.add("e", ch)

    def step_f(self) -> None:
        assert self.drizzle_url
        pull_out = self.work / "pull_out"
        schema = self.work / "pulled_schema.py"
        proj = self.project("proj_f_pull", pull_out, schema)
        run = mizzle(["pull", "--json", "--no-mark", "--url", self.drizzle_url, "--schema-out", str(schema)], proj)
        if run.code != 0 or not schema.is_file():
            self.report.add("f", run.failure("pull"))
            return
        proj = self.project("proj_f", self.copy("folder_f"), schema)
        run = mizzle(["generate", "--check", "--json"], proj)
        doc = run.json()
        if isinstance(doc, dict) and "changes" in doc:
            for ch in doc["changes"]:
                self.report.add("f", ch)
            return
        # `generate --check --json` prints no JSON when it finds changes (issue 15.7): they follow its error line
        err = run.stderr.splitlines()
        head = next((i for i, ln in enumerate(err) if ln.startswith("error:")), None)
        if run.code == 3 and head is not None and "not yet in a migration" in err[head]:
            self.report.notes.append("generate --check --json printed no JSON (its changes read from stderr)")
            for ln in err[head + 1:]:
                if ln.startswith("  "):
                    self.report.add("f", ln.strip())
        else:
            self.report.add("f", run.failure("generate --check"))

    def step_g(self) -> None:
        proj = self.project("proj_g", self.copy("folder_g"))
        run = mizzle(["lint", "--json"], proj)
        doc = run.json()
        if not isinstance(doc, dict) or "findings" not in doc:
            self.report.add("g", run.failure("lint"))
            return
        advice = 0
        for f in doc["findings"]:
            if not f["rule"].startswith(LINT_CLAIMS):
                advice += 1
                continue
            where = Path(f["file"]).name + (f":{f['line']}" if f.get("line") else "")
            self.report.add("g", f"{f['rule']} {where}: {f['message']}")
        self.report.notes.append(f"lint: {advice} deploy-safety finding(s) (MZ1xx/MZ2xx) not counted")

    def step_h(self) -> None:
        rebuilt = self.copy("folder_h")
        for p in [*(rebuilt / "meta").glob("*_snapshot.json"), *rebuilt.glob("*/snapshot.json")]:
            p.unlink()
        proj = self.project("proj_h", rebuilt)
        run = mizzle(["check", "--rebuild-snapshots", "--json", "--scratch-url", self.admin_url], proj)
        if run.code != 0:
            self.report.add("h", run.failure("check --rebuild-snapshots"))
            return
        for idx, e in enumerate(journal(self.clean)):
            orig = snapshot_path(self.clean, e["tag"], idx)
            if orig is None:
                continue
            new = snapshot_path(rebuilt, e["tag"], idx)
            if new is None:
                self.report.add("h", f"{e['tag']}: not rebuilt")
                continue
            a = json.loads(orig.read_text(encoding="utf-8"))
            b = json.loads(new.read_text(encoding="utf-8"))
            for line in snapdiff(a, b):
                self.report.add("h", line)


def run_folder(folder: Path, steps: str = STEPS, admin_url: str = ADMIN_URL) -> Report:
    """Run the checks `steps` on `folder`; returns the findings per step and the seconds each took."""
    folder = folder.resolve()
    if not (folder / "meta" / "_journal.json").is_file() and not is_v1(folder):
        raise FileNotFoundError(f"{folder}: no meta/_journal.json nor <name>/migration.sql (not a drizzle-kit "
                                "migrations folder)")
    report = Report(folder.name)
    with tempfile.TemporaryDirectory(prefix=f"rw_{folder.name}_") as tmp, \
            temp_database(admin_url, "rwdz") as drizzle_url, temp_database(admin_url, "rwmz") as mizzle_url:
        h = Harness(folder, Path(tmp), admin_url, report)
        t0 = time.monotonic()
        if set(steps) & set("acef"):
            run = drizzle_migrate(drizzle_url, folder)
            if run.code != 0:
                report.add("a", f"drizzle rc {run.code}")
                report.notes.append(run.failure("drizzle-orm migrate"))
            else:
                h.drizzle_url = drizzle_url
        report.seconds["drizzle"] = time.monotonic() - t0
        # step a also decides which folder the later steps use: run it (or at least the stray-file rule) first
        t0 = time.monotonic()
        if "a" in steps:
            h.step_a(mizzle_url)
            report.seconds["a"] = time.monotonic() - t0
        else:
            h.make_clean()
        # d and h replay the folder into scratch databases of their own: they run beside the others (about
        # half of the time of a big folder)
        def timed(s: str) -> None:
            t = time.monotonic()
            getattr(h, f"step_{s}")()
            report.seconds[s] = time.monotonic() - t

        todo = [s for s in steps if s != "a"]
        for s in [s for s in todo if s in "cef" and h.drizzle_url is None]:
            report.notes.append(f"step {s} skipped: drizzle-orm's migrator failed")
            todo.remove(s)
        with ThreadPoolExecutor(max_workers=3) as pool:
            side = [pool.submit(timed, s) for s in todo if s in "dh"]
            for s in todo:
                if s not in "dh":
                    timed(s)
            for f in side:
                f.result()
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run the real-world checks a–h on one drizzle-kit folder and print "
                                             "the findings (one per line, prefixed with the step letter).")
    ap.add_argument("folder", help="a drizzle-kit migrations folder, or the name of one in ../shared/realworld/drizzle")
    ap.add_argument("--steps", default=STEPS, help="which checks to run (default: abcdefgh)")
    ap.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL URL where databases may be created")
    ap.add_argument("--notes", action="store_true", help="also print what the harness did and the dump diff")
    ap.add_argument("--unexpected", action="store_true",
                    help="print only the findings neither EXPECTED.txt nor KNOWN_GAPS.txt lists, and the stale "
                         "KNOWN_GAPS lines")
    args = ap.parse_args(argv)
    if bad := set(args.steps) - set(STEPS):
        print(f"error: --steps takes letters of {STEPS}, got {''.join(sorted(bad))!r}", file=sys.stderr)
        return 2
    folder = Path(args.folder)
    if not folder.exists() and (REALWORLD / args.folder).is_dir():
        folder = REALWORLD / args.folder
    try:
        report = run_folder(folder, args.steps, args.admin_url)
    except (FileNotFoundError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    shown = report.findings
    if args.unexpected:
        expected, known = load_expectations(EXPECTED), load_expectations(KNOWN_GAPS)
        shown = unexpected(report, expected, known)
        for k in sorted(classify(report, expected, known)[2], key=lambda k: k.source):
            print(f"# stale known gap ({k.source}): {k}", file=sys.stderr)
    for s in STEPS:
        for line in shown.get(s, []):
            print(f"{s} {line}")
    if args.notes:
        for n in report.notes:
            print(f"# {n}", file=sys.stderr)
    print("# seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
