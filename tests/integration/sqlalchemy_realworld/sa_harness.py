"""Real-world harness: the SQLAlchemy models of popular PyPI packages (pinned in requirements.txt beside this
file) run through five checks on PostgreSQL, comparing mizzle with SQLAlchemy's own `metadata.create_all()`.

1. create_all equivalence: `create_all()` into DB1; `mizzle generate` + `mizzle migrate` into DB2; the
   `pg_dump -s` of both must be equal.
2. `mizzle generate --check` right after generate: no changes.
3. `mizzle drift` on DB2 right after migrate: clean.
4. `mizzle baseline` on DB1 (the create_all database): accepted.
5. pull round trip: `mizzle pull` from DB1 into a fresh project (module + baseline migration), that baseline
   migrated into an empty DB3 gives DB1's `pg_dump -s`, and `generate --check` with the pulled module finds
   nothing.

Each check returns *findings*: specific lines (a line of the dump diff with the statement it belongs to, a
drift line, an error's first line), never just "failed". The test (test_sa_realworld.py) compares them with
KNOWN_GAPS.txt. Dump normalisation: the `\\restrict`/`\\unrestrict` lines (a random key per run) and the two
`SET default_tablespace`/`SET default_table_access_method` lines (session defaults pg_dump prints before
whichever object comes first) are dropped, and the `drizzle` schema (mizzle's tracking table) is left out of
the dump; nothing else is touched (column order, names, types, defaults are compared as pg_dump prints them).

By hand:  python tests/integration/sqlalchemy_realworld/sa_harness.py PACKAGE [--checks 12345] [--keep]
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PG_ADMIN_URL = os.environ.get("MIZZLE_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HERE = Path(__file__).resolve().parent
CHECKS = "12345"

sys.path.insert(0, str(HERE.parents[1] / "support"))
import mizzle_fork  # noqa: E402
from pgtools import drop_later  # noqa: E402

CHECK_NAMES = {
    "1": "create_all equivalence",
    "2": "generate --check",
    "3": "drift after migrate",
    "4": "baseline on create_all db",
    "5": "pull round trip",
}


@dataclass(frozen=True)
class Package:
    """One package under test: the distribution (pinned in requirements.txt) and a small schema module that
    imports its models and exposes exactly one MetaData, named `metadata`, at its top level."""

    name: str
    dist: str
    module: str  # source of the schema module mizzle.toml points at
    setup_sql: tuple[str, ...] = ()  # run in every fresh database first (DB1, DB2, DB3), e.g. extensions


PACKAGES: dict[str, Package] = {p.name: p for p in [
    # Result backend tables; task id from Sequence("task_id_sequence") (issue 13 item 6).
    Package("celery", "celery", """
        from celery.backends.database.models import ResultModelBase

        metadata = ResultModelBase.metadata
    """),
    # Native enums (TrialState, StudyDirection), Float/Text/DateTime, composite unique constraints, many FKs.
    Package("optuna", "optuna", """
        from optuna.storages._rdb.models import BaseModel

        metadata = BaseModel.metadata
    """),
    # ~50 tables: check constraints, enums, composite keys, indexes, server defaults, String lengths.
    # mlflow's `input_tags.input_uuid` has a foreign key to `inputs.input_uuid`, which has only a plain
    # index, so create_all itself fails on PostgreSQL ("there is no unique constraint matching given keys";
    # mlflow builds PostgreSQL databases with Alembic, whose migration does not create that key). That
    # foreign key is removed here, and so are two indexes that name no column (create_all writes `ON t ()`),
    # so the other ~50 tables can be compared; mizzle refusing such schema code at generate is issue 13
    # item 7, tested on its own.
    Package("mlflow", "mlflow-skinny", """
        import sqlalchemy as _sa
        from mlflow.store.tracking.dbmodels.models import Base

        metadata = Base.metadata


        def _drop_fk_create_all_rejects() -> None:
            t = metadata.tables["input_tags"]
            for c in [c for c in t.constraints if isinstance(c, _sa.ForeignKeyConstraint)]:
                assert [e.target_fullname for e in c.elements] == ["inputs.input_uuid"], c.elements
                t.constraints.discard(c)
                for col in c.columns:
                    col.foreign_keys.clear()
                t.foreign_keys.difference_update(c.elements)
            # Index("index_trace_tags_request_id") and Index("index_trace_request_metadata_request_id") name
            # no column: create_all writes `ON trace_tags ()`, a syntax error (issue 13 item 7).
            for t in metadata.tables.values():
                for ix in [ix for ix in t.indexes if not ix.expressions]:
                    t.indexes.discard(ix)


        _drop_fk_create_all_rejects()
    """),
    # Core tables of dagster's run, event-log and schedule storages (each storage has its own MetaData and
    # all three define `secondary_indexes` identically; dagster-postgres puts them in one database, so they
    # are merged here into one MetaData). Partial indexes (postgresql_where), mysql_length, BigInteger
    # variants for sqlite, server defaults.
    Package("dagster", "dagster", """
        import sqlalchemy as _sa


        def _merged() -> _sa.MetaData:
            from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
            from dagster._core.storage.runs.schema import RunStorageSqlMetadata
            from dagster._core.storage.schedules.schema import ScheduleStorageSqlMetadata

            merged = _sa.MetaData()
            for md in (RunStorageSqlMetadata, SqlEventLogStorageMetadata, ScheduleStorageSqlMetadata):
                for t in md.sorted_tables:
                    if t.key not in merged.tables:
                        t.to_metadata(merged)
            return merged


        metadata = _merged()
    """),
    # Naming convention whose long names SQLAlchemy shortens with a hash suffix (item 5), UUID / JSON /
    # Timestamp TypeDecorators (item 1), server defaults, partial and expression indexes.
    # Its `trgm_ix_*` indexes are `USING gin (name)` with no operator class: create_all fails on PostgreSQL
    # ("character varying has no default operator class for access method gin"); prefect builds PostgreSQL
    # databases with Alembic, whose migrations create pg_trgm and write `name gin_trgm_ops`. The same is
    # done here (postgresql_ops on those indexes, pg_trgm in every database). And `artifact.key` has
    # `index=True` (named ix_artifact__key by the naming convention) besides an explicit
    # Index("ix_artifact__key", key): two indexes of one name, which create_all also fails on ("relation
    # already exists"; issue 13 item 7); one of the two identical definitions is dropped here.
    Package("prefect", "prefect", """
        from prefect.server.database.orm_models import Base

        metadata = Base.metadata


        def _as_alembic_builds_it() -> None:
            for t in metadata.tables.values():
                seen = {}
                for ix in sorted(t.indexes, key=lambda i: (i.name, repr(i))):
                    if ix.name.startswith("trgm_ix_"):
                        ix.dialect_options["postgresql"]["ops"] = {c.name: "gin_trgm_ops" for c in ix.columns}
                    same = (ix.unique, [str(e) for e in ix.expressions], dict(ix.dialect_kwargs))
                    if ix.name in seen:
                        assert seen[ix.name] == same, ix.name
                        t.indexes.discard(ix)
                    seen[ix.name] = same


        _as_alembic_builds_it()
    """, setup_sql=("CREATE EXTENSION IF NOT EXISTS pg_trgm",)),
    # APScheduler's SQLAlchemy job store: the table it builds in its own MetaData (VARCHAR(191) key, Float,
    # LargeBinary, an index=True column).
    Package("apscheduler", "apscheduler", """
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

        metadata = SQLAlchemyJobStore(url="sqlite://").jobs_t.metadata
    """),
    # Authlib's OAuth 2 mixins (client, authorization code, token), on tables as its documentation writes them:
    # unique and indexed String columns, Text, Boolean and Integer defaults, foreign keys with ON DELETE.
    Package("authlib", "authlib", """
        import sqlalchemy as sa
        from authlib.integrations.sqla_oauth2 import (OAuth2AuthorizationCodeMixin, OAuth2ClientMixin,
                                                      OAuth2TokenMixin)
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "user"
            id = sa.Column(sa.Integer, primary_key=True)


        class Client(Base, OAuth2ClientMixin):
            __tablename__ = "oauth2_client"
            id = sa.Column(sa.Integer, primary_key=True)
            user_id = sa.Column(sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE"))


        class AuthorizationCode(Base, OAuth2AuthorizationCodeMixin):
            __tablename__ = "oauth2_code"
            id = sa.Column(sa.Integer, primary_key=True)
            user_id = sa.Column(sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE"))


        class Token(Base, OAuth2TokenMixin):
            __tablename__ = "oauth2_token"
            id = sa.Column(sa.Integer, primary_key=True)
            user_id = sa.Column(sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE"))


        metadata = Base.metadata
    """),
    # Flask-Security-Too's fsqla_v4 models (user, role, roles_users, WebAuthn) through Flask-SQLAlchemy: many
    # unique columns, DateTime server defaults (func.now()), Boolean, an AsaList TypeDecorator, FKs with ON DELETE.
    Package("flask_security", "flask-security-too", """
        from flask import Flask
        from flask_security.models import fsqla_v4 as fsqla
        from flask_sqlalchemy import SQLAlchemy

        app = Flask(__name__)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
        db = SQLAlchemy(app)
        fsqla.FsModels.set_db_info(db)


        class Role(db.Model, fsqla.FsRoleMixin):
            pass


        class User(db.Model, fsqla.FsUserMixin):
            pass


        class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
            pass


        metadata = db.metadata
    """),
    # SQLModel, as the FastAPI full-stack template writes its models (user and item): uuid keys from
    # default_factory, a unique indexed email, max_length strings, a foreign key with ON DELETE CASCADE, a
    # timezone-aware DateTime through sa_type, an Integer server default.
    Package("sqlmodel", "sqlmodel", """
        import uuid
        from datetime import datetime, timezone
        from typing import Optional

        import sqlalchemy as sa
        from sqlmodel import Field, Relationship, SQLModel


        class User(SQLModel, table=True):
            id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
            email: str = Field(unique=True, index=True, max_length=255)
            is_active: bool = True
            full_name: Optional[str] = Field(default=None, max_length=255)
            hashed_password: str
            created_at: Optional[datetime] = Field(default_factory=lambda: datetime.now(timezone.utc),
                                                   sa_type=sa.DateTime(timezone=True))
            items: list["Item"] = Relationship(back_populates="owner", cascade_delete=True)


        class Item(SQLModel, table=True):
            id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
            title: str = Field(min_length=1, max_length=255)
            price: Optional[float] = None
            qty: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
            owner_id: uuid.UUID = Field(foreign_key="user.id", nullable=False, ondelete="CASCADE")
            owner: Optional[User] = Relationship(back_populates="items")


        metadata = SQLModel.metadata
    """),
    # SQLAlchemy-Utils' column types on an account table: UUIDType (BINARY(16), or CHAR(32) with binary=False,
    # uuid on PostgreSQL), EmailType, URLType, JSONType, ChoiceType (Enum and choices), ScalarListType,
    # IPAddressType, TimezoneType: TypeDecorators whose load_dialect_impl decides the column type.
    Package("sqlalchemy_utils", "sqlalchemy-utils", """
        import enum

        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase
        from sqlalchemy_utils import (ChoiceType, EmailType, IPAddressType, JSONType, ScalarListType,
                                      TimezoneType, URLType, UUIDType)


        class Base(DeclarativeBase):
            pass


        class Kind(enum.Enum):
            a = 1
            b = 2


        class Account(Base):
            __tablename__ = "account"
            id = sa.Column(UUIDType(binary=False), primary_key=True)
            raw_id = sa.Column(UUIDType(), unique=True)
            email = sa.Column(EmailType, nullable=False, unique=True)
            home = sa.Column(URLType)
            data = sa.Column(JSONType)
            kind = sa.Column(ChoiceType(Kind, impl=sa.Integer()))
            status = sa.Column(ChoiceType([("on", "On"), ("off", "Off")]), server_default="on")
            tags = sa.Column(ScalarListType(str))
            ip = sa.Column(IPAddressType)
            tz = sa.Column(TimezoneType(backend="zoneinfo"))


        class Login(Base):
            __tablename__ = "login"
            id = sa.Column(sa.BigInteger, primary_key=True)
            account_id = sa.Column(UUIDType(binary=False), sa.ForeignKey("account.id", ondelete="CASCADE"),
                                   index=True)
            at = sa.Column(sa.DateTime(timezone=True), server_default=sa.func.now())


        metadata = Base.metadata
    """),
    # Flask-AppBuilder's security models: Sequence-based ids (ab_user_id_seq, ...), unique constraints,
    # association tables.
    Package("flask_appbuilder", "flask-appbuilder", """
        import flask_appbuilder.security.sqla.models  # noqa: F401  (registers the tables)
        from flask_appbuilder import Model

        metadata = Model.metadata
    """),
]}


# ----------------------------------------------------------------------------------------------- databases

def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


@contextmanager
def databases(prefix: str, keep: bool = False, setup_sql: tuple[str, ...] = ()) -> Iterator[callable]:  # type: ignore[valid-type]
    """A factory of fresh databases (setup_sql run in each), all dropped at the end (unless keep)."""
    import psycopg

    made: list[str] = []

    def make(tag: str) -> str:
        name = f"{prefix}_{tag}_{uuid.uuid4().hex[:8]}"
        with _admin() as c:
            c.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        if setup_sql:
            with psycopg.connect(url, autocommit=True) as c:
                for st in setup_sql:
                    c.execute(st)
        return url

    try:
        yield make
    finally:
        if not keep:
            for name in made:
                drop_later(name, PG_ADMIN_URL)


def dump(url: str) -> list[str]:
    """`pg_dump -s` of the database without mizzle's `drizzle` schema; only the `\\restrict` lines (a random
    key per run) are dropped."""
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    p = subprocess.run([pg_dump, "-s", "-N", "drizzle", url], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {p.stderr.strip()}")
    return [ln for ln in p.stdout.splitlines() if not ln.startswith(("\\restrict", "\\unrestrict"))
            and ln not in _PLACED_SETTINGS]


# pg_dump prints these two session settings once, just before the first object that has a tablespace or an
# access method (a table or an index), so where they land depends only on which object comes first (a table
# whose default uses a sequence puts the sequence first). They reset the session to the defaults and say
# nothing about the schema: the only normalisation besides the \restrict lines.
_PLACED_SETTINGS = {"SET default_tablespace = '';", "SET default_table_access_method = heap;"}


_HEADER = re.compile(r"^-- (?:Data for )?Name: (?P<name>.*?); Type: (?P<type>.*?); Schema: (?P<schema>.*?);")


def dump_objects(lines: list[str]) -> dict[str, list[str]]:
    """pg_dump's output cut at its `-- Name: N; Type: T; Schema: S; …` headers: `T S.N` → the object's
    statement lines (comment and blank lines left out; they only repeat the header)."""
    objects: dict[str, list[str]] = {}
    key = "(preamble)"
    for ln in lines:
        m = _HEADER.match(ln)
        if m:
            key = f"{m['type']} {m['schema']}.{m['name']}"
            n, k = 2, key
            while k in objects:  # pg_dump repeats a header only for different objects; keep both
                k, n = f"{key} #{n}", n + 1
            key = k
            objects[key] = []
            continue
        if ln.strip() and not ln.startswith("--"):
            objects.setdefault(key, []).append(ln.rstrip())
    return objects


def dump_diff(expected: list[str], actual: list[str], label: str, actual_name: str = "mizzle") -> list[str]:
    """Findings, one line each: an object only on one side, as `<label>: - [TYPE schema.name] only in
    create_all: <its statements on one line>` (`+ … only in mizzle` for the other side); for an object on
    both sides that differs, each differing line as `<label>: - [TYPE schema.name] <line>` / `+ …`. Objects
    are matched by pg_dump's header (type, schema, name), so one changed object does not shift the rest."""
    exp, act = dump_objects(expected), dump_objects(actual)
    out: list[str] = []
    for key in list(exp) + [k for k in act if k not in exp]:
        if key not in act:
            out.append(f"{label}: - [{key}] only in create_all: " + " ".join(x.strip() for x in exp[key]))
        elif key not in exp:
            out.append(f"{label}: + [{key}] only in {actual_name}: " + " ".join(x.strip() for x in act[key]))
        elif exp[key] != act[key]:
            sm = difflib.SequenceMatcher(a=exp[key], b=act[key], autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag != "equal":
                    out.extend(f"{label}: - [{key}] {x}" for x in exp[key][i1:i2])
                    out.extend(f"{label}: + [{key}] {x}" for x in act[key][j1:j2])
    if not out and expected != actual:  # only comments or order differ: still a difference, shown as is
        out.extend(f"{label}: {ln}" for ln in difflib.unified_diff(expected, actual, lineterm="", n=0)
                   if ln[:1] in "+-" and not ln.startswith(("+++", "---")))
    return out


# ------------------------------------------------------------------------------------------------ projects

@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def lines(self) -> list[str]:
        return [ln.rstrip() for ln in (self.stdout + "\n" + self.stderr).splitlines() if ln.strip()]

    def first_error(self) -> str:
        for ln in self.stderr.splitlines() + self.stdout.splitlines():
            if ln.startswith("error:"):
                return ln.strip()
        ls = self.lines()
        return ls[0] if ls else f"exit {self.code}, no output"


def mizzle(args: list[str], cwd: Path, url: str | None = None, timeout: float = 600) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(cwd) + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.monotonic()
    # `python -m mizzle`, forked (a speed trick: tests/support/mizzle_fork.py)
    p = mizzle_fork.run([*args, *(["--url", url] if url else [])], cwd=cwd, env=env, timeout=timeout)
    return Run(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)


def write_project(root: Path, schema_file: str, schemas: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    # a Python project adopting mizzle: `mizzle init` writes naming = "postgresql" (PostgreSQL's own names for
    # constraints the code leaves unnamed, as create_all makes them)
    lines = ['dialect = "postgresql"', f'schema = ["{schema_file}"]', 'out = "drizzle"', 'naming = "postgresql"']
    if schemas and schemas != ["public"]:
        lines.append("schema_filter = [" + ", ".join(f'"{s}"' for s in schemas) + "]")
    (root / "mizzle.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


CREATE_ALL = """
import json, sys
import sqlalchemy as sa
import sa_models

md = sa_models.metadata
if sys.argv[1] == "schemas":
    print(json.dumps(sorted({t.schema or "public" for t in md.tables.values()})))
else:
    engine = sa.create_engine(sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for s in sorted({t.schema for t in md.tables.values() if t.schema}):
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{s}"'))
    md.create_all(engine)
    engine.dispose()
"""


def _python(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(cwd) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


# ---------------------------------------------------------------------------------------------- the checks

@dataclass
class Result:
    package: str
    findings: dict[str, list[str]] = field(default_factory=dict)  # check number -> findings
    seconds: dict[str, float] = field(default_factory=dict)       # step -> seconds


def run_package(name: str, checks: str = CHECKS, keep: bool = False, log=None) -> Result:  # type: ignore[no-untyped-def]
    pkg = PACKAGES[name]
    res = Result(name)
    say = log or (lambda _m: None)
    tmp = Path(tempfile.mkdtemp(prefix=f"sa_{name}_"))
    try:
        with databases(f"sarw_{name}", keep=keep, setup_sql=pkg.setup_sql) as new_db:
            _run(pkg, checks, tmp, new_db, res, say)
    finally:
        if keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return res


def _timed(res: Result, step: str, t0: float) -> None:
    res.seconds[step] = round(time.monotonic() - t0, 2)


def _run(pkg: Package, checks: str, tmp: Path, new_db, res: Result, say) -> None:  # type: ignore[no-untyped-def]
    gen = tmp / "gen"
    gen.mkdir()
    (gen / "sa_models.py").write_text(textwrap.dedent(pkg.module).lstrip(), encoding="utf-8")
    p = _python(CREATE_ALL, gen, "schemas")
    if p.returncode != 0:
        raise RuntimeError(f"importing {pkg.name}'s models failed:\n{p.stderr}")
    import json

    schemas = json.loads(p.stdout)
    write_project(gen, "sa_models.py", schemas)

    need_db1 = any(c in checks for c in "145")
    db1 = dump1 = None
    if need_db1:
        t0 = time.monotonic()
        db1 = new_db("ca")
        p = _python(CREATE_ALL, gen, db1)
        if p.returncode != 0:
            raise RuntimeError(f"create_all failed for {pkg.name}:\n{p.stderr}")
        dump1 = dump(db1)
        _timed(res, "create_all", t0)
        say(f"create_all: {len(dump1)} dump lines")

    generated = None
    if any(c in checks for c in "123"):
        generated = mizzle(["generate", "--name", "init"], gen)
        res.seconds["generate"] = round(generated.seconds, 2)
        say(f"generate: exit {generated.code}")

    migrated = None
    if any(c in checks for c in "13"):
        f: list[str] = []
        if generated is not None and generated.code != 0:
            f.append(f"generate: exit {generated.code}: {generated.first_error()}")
        else:
            db2 = new_db("mz")
            migrated = mizzle(["migrate"], gen, url=db2)
            res.seconds["migrate"] = round(migrated.seconds, 2)
            if migrated.code != 0:
                f.append(f"migrate: exit {migrated.code}: {migrated.first_error()}")
            elif "1" in checks:
                assert dump1 is not None
                f.extend(dump_diff(dump1, dump(db2), "dump"))
            if "3" in checks:
                f3: list[str] = []
                if migrated.code != 0:
                    f3.append(f"not run: migrate failed: {migrated.first_error()}")
                else:
                    d = mizzle(["drift"], gen, url=db2)
                    res.seconds["drift"] = round(d.seconds, 2)
                    if d.code != 0:
                        f3.extend(f"drift: exit {d.code}: {ln}" for ln in d.lines())
                res.findings["3"] = f3
        if "1" in checks:
            res.findings["1"] = f
        if "3" in checks and "3" not in res.findings:
            res.findings["3"] = [f"not run: generate failed: {generated.first_error()}"] if generated else []

    if "2" in checks:
        assert generated is not None
        if generated.code != 0:
            res.findings["2"] = [f"not run: generate failed: {generated.first_error()}"]
        else:
            c = mizzle(["generate", "--check"], gen)
            res.seconds["generate --check"] = round(c.seconds, 2)
            res.findings["2"] = [] if c.code == 0 else [f"generate --check: exit {c.code}: {ln}" for ln in c.lines()]

    if "5" in checks:  # before 4: pull reads the pure create_all database, no tracking table in it yet
        assert db1 is not None and dump1 is not None
        f5: list[str] = []
        pull = tmp / "pull"
        write_project(pull, "pulled.py", schemas)
        pr = mizzle(["pull", "--no-mark", "--name", "baseline"], pull, url=db1)
        res.seconds["pull"] = round(pr.seconds, 2)
        if pr.code != 0:
            f5.append(f"pull: exit {pr.code}: {pr.first_error()}")
        else:
            db3 = new_db("pl")
            m3 = mizzle(["migrate"], pull, url=db3)
            res.seconds["migrate pulled"] = round(m3.seconds, 2)
            if m3.code != 0:
                f5.append(f"migrate pulled baseline: exit {m3.code}: {m3.first_error()}")
            else:
                f5.extend(dump_diff(dump1, dump(db3), "pulled dump", "pulled"))
            c5 = mizzle(["generate", "--check"], pull)
            res.seconds["generate --check pulled"] = round(c5.seconds, 2)
            if c5.code != 0:
                f5.extend(f"pulled generate --check: exit {c5.code}: {ln}" for ln in c5.lines())
        res.findings["5"] = f5

    if "4" in checks:
        assert db1 is not None
        if generated is None:  # --checks 4 alone: the migration to baseline still has to be written
            generated = mizzle(["generate", "--name", "init"], gen)
        if generated.code != 0:
            res.findings["4"] = [f"not run: generate failed: {generated.first_error()}"]
        else:
            b = mizzle(["baseline"], gen, url=db1)
            res.seconds["baseline"] = round(b.seconds, 2)
            res.findings["4"] = [] if b.code == 0 else [f"baseline: exit {b.code}: {ln}" for ln in b.lines()]


# ------------------------------------------------------------------------------------------------ known gaps

@dataclass(frozen=True)
class Gap:
    package: str
    check: str
    pattern: re.Pattern[str]
    line_no: int
    comment: str


def load_known_gaps(path: Path = HERE / "KNOWN_GAPS.txt") -> list[Gap]:
    """`PACKAGE CHECK REGEX` per line (regex searched in a finding line); `#` lines are comments naming the
    cause and the issue item, attached to the gap lines below them. A bad line is an error, not skipped."""
    gaps: list[Gap] = []
    comment: list[str] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            comment = []
            continue
        if line.startswith("#"):
            comment.append(line.lstrip("# "))
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[0] not in PACKAGES or parts[1] not in CHECKS or len(parts[1]) != 1:
            raise ValueError(f"{path.name}:{n}: expected `PACKAGE CHECK REGEX` with a known package and a "
                             f"check 1-5: {raw!r}")
        try:
            pat = re.compile(parts[2])
        except re.error as e:
            raise ValueError(f"{path.name}:{n}: bad regex {parts[2]!r}: {e}") from None
        if not comment:
            raise ValueError(f"{path.name}:{n}: a known gap needs a comment above it naming the cause and the "
                             f"issue item")
        gaps.append(Gap(parts[0], parts[1], pat, n, " ".join(comment)))
    return gaps


def compare_with_gaps(package: str, check: str, findings: list[str], gaps: list[Gap]) -> tuple[list[str], list[Gap]]:
    """(findings no known gap explains, known gaps that match no finding: stale)."""
    mine = [g for g in gaps if g.package == package and g.check == check]
    new = [f for f in findings if not any(g.pattern.search(f) for g in mine)]
    stale = [g for g in mine if not any(g.pattern.search(f) for f in findings)]
    return new, stale


# ---------------------------------------------------------------------------------------------------- by hand

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", choices=sorted(PACKAGES) + ["all"])
    ap.add_argument("--checks", default=CHECKS, help="which checks, e.g. 145 (default: 12345)")
    ap.add_argument("--keep", action="store_true", help="keep the temp projects and databases")
    a = ap.parse_args(argv)
    if not a.checks or any(c not in CHECKS for c in a.checks):
        print(f"error: --checks takes digits from {CHECKS}, got {a.checks!r}", file=sys.stderr)
        return 2
    gaps = load_known_gaps()
    bad = 0
    for name in sorted(PACKAGES) if a.package == "all" else [a.package]:
        t0 = time.monotonic()
        res = run_package(name, a.checks, keep=a.keep, log=lambda m, n=name: print(f"[{n}] {m}", flush=True))
        print(f"== {name} ({time.monotonic() - t0:.1f} s; steps: "
              + ", ".join(f"{k} {v}s" for k, v in res.seconds.items()) + ")")
        for check in sorted(res.findings):
            findings = res.findings[check]
            new, stale = compare_with_gaps(name, check, findings, gaps)
            state = "clean" if not findings else f"{len(findings)} finding(s), {len(new)} not in KNOWN_GAPS"
            print(f"  check {check} ({CHECK_NAMES[check]}): {state}")
            for fl in findings:
                print(f"    {'NEW ' if fl in new else 'gap '}{fl}")
            for g in stale:
                print(f"    STALE KNOWN_GAPS.txt:{g.line_no}: {g.pattern.pattern}")
            bad += len(new) + len(stale)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
