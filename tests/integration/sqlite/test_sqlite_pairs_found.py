"""Facts that sqldef's SQLite cases (run through tests/integration/schema_pairs/sqlite_pairs_harness.py) showed
mizzle losing or breaking, rebuilt here in our own SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_support import create_all_file

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'


def _database(path: Path, *statements: str) -> str:
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_a_foreign_key_naming_its_parent_in_another_case_is_pulled_and_migrated(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """SQLite's names are case-insensitive: `REFERENCES Owners (ID)` is the table created as `owners`. Pull wrote
    `sa.ForeignKey("Owners.ID")`, a module SQLAlchemy cannot load, and generate failed."""
    source = _database(tmp_path / "source.db",
                       "CREATE TABLE pets (pid integer PRIMARY KEY, owner integer REFERENCES Owners (ID))",
                       "CREATE TABLE owners (id integer PRIMARY KEY)")
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
    assert r.code == 0 and "does not load" not in r.stdout + r.stderr, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert "owners.id" in code and "Owners" not in code, code
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
    assert m.code == 0, m.stdout + m.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=rebuilt)
    assert d.code == 0, d.stdout + d.stderr
    conn = sqlite3.connect(tmp_path / "rebuilt.db")
    assert [r[2:5] for r in conn.execute("PRAGMA foreign_key_list(pets)")] == [("owners", "owner", "id")]
    conn.close()


def _listed_by_pull_and_drift(tmp_path: Path, run_mizzle, statements: tuple[str, ...], lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A database of `statements`, pulled: pull and drift print each of `lines`."""
    source = _database(tmp_path / "source.db", *statements)
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=source)
    assert r.code == 0 and all(line in r.stdout + r.stderr for line in lines), r.stdout + r.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=source)
    assert d.code == 0 and all(line in d.stdout + d.stderr for line in lines), d.stdout + d.stderr


def test_conflict_clauses_are_listed_by_pull_and_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """A constraint's ON CONFLICT is not modelled (found pulling real SQLite databases): the pulled module had none,
    and nothing said so. A column's COLLATE (a NOCASE unique column accepted 'Bob' and 'bob' after a rebuild) is
    modelled now (test_sqlite_collations.py): not listed."""
    _listed_by_pull_and_drift(tmp_path, run_mizzle, (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE UNIQUE)",
        "CREATE TABLE kv (k TEXT PRIMARY KEY ON CONFLICT REPLACE, v TEXT NOT NULL ON CONFLICT IGNORE)",
        "CREATE TABLE pair (a INT, b INT, UNIQUE (a, b) ON CONFLICT IGNORE)",
        "CREATE TABLE plain (a TEXT COLLATE BINARY, s TEXT DEFAULT 'COLLATE NOCASE ON CONFLICT IGNORE')"),
        ["not managed by mizzle (left as they are; a table rebuild or a table created from the schema code has "
         "none): conflict clauses (ON CONFLICT) on kv, pair"])


def test_primary_keys_that_accept_null_are_listed_by_pull_and_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Actual Budget's tables are `id TEXT PRIMARY KEY`: SQLite lets such a key hold NULL, the model reads it NOT NULL
    (as create_all and drizzle-kit write keys), and pull, drift and baseline said nothing; a later table rebuild failed
    on a NULL key. The INTEGER rowid key, a NOT NULL key and a WITHOUT ROWID table's key take no NULL: not listed."""
    _listed_by_pull_and_drift(tmp_path, run_mizzle, (
        "CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT)",
        "CREATE TABLE pair (a INT, b TEXT, c INT, PRIMARY KEY (b, a))",
        "CREATE TABLE rowid_key (id INTEGER PRIMARY KEY, n TEXT)",
        "CREATE TABLE strict_key (id TEXT NOT NULL PRIMARY KEY)",
        "CREATE TABLE codes (code TEXT PRIMARY KEY) WITHOUT ROWID"),
        ["primary key columns that accept NULL (SQLite's: no NOT NULL, no INTEGER rowid key, no WITHOUT ROWID) read "
         "as NOT NULL, as create_all and drizzle-kit make them; a table rebuild or a table created from the schema "
         "code has NOT NULL (a row whose key is NULL fails the rebuild): accounts.id, pair.b, pair.a"])


CHECKED = '''import sqlalchemy as sa

metadata = sa.MetaData()
readings = sa.Table("readings", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("level", sa.Integer, sa.CheckConstraint("level >= 0")),
                    sa.Column("calibrated", sa.Boolean(create_constraint=True)))
'''


def test_a_columns_own_check_and_a_types_check_are_created_as_create_all_does(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Alembic's check-constraint autogenerate tests on SQLite: `Column(..., CheckConstraint(...))` and
    `Boolean(create_constraint=True)` are CHECKs create_all writes; the SQLite reader left both out without a word,
    and introspection did not read a CHECK written inside a column's definition."""
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(CHECKED)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    conn = sqlite3.connect(tmp_path / "app.db")
    for bad in ("INSERT INTO readings (level) VALUES (-1)", "INSERT INTO readings (calibrated) VALUES (2)"):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(bad)
    conn.close()
    for args in (["generate", "--check"], ["drift"]):
        r = run_mizzle(args, cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr

    created = create_all_file(tmp_path / "created.db", CHECKED)
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    (pulled / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=pulled, url=created)
    assert r.code == 0, r.stdout + r.stderr
    code = (pulled / "schema.py").read_text()
    assert "level >= 0" in code and "calibrated IN (0, 1)" in code, code
    d = run_mizzle(["drift"], cwd=pulled, url=created)
    assert d.code == 0, d.stdout + d.stderr


TWICE_UNIQUE = '''import sqlalchemy as sa

metadata = sa.MetaData()
datasets = sa.Table("datasets", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("uuid", sa.String(32), unique=True), sa.UniqueConstraint("uuid", name="uq_uuid_column"))
'''


def test_a_column_unique_twice_is_one_index_to_sqlite(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """galaxy's dataset.uuid: `unique=True` and a UniqueConstraint on the same column. create_all's CREATE TABLE has
    both, SQLite keeps one index; baseline of that database said `- index uq_uuid_column`."""
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(TWICE_UNIQUE)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    r = run_mizzle(["baseline"], cwd=tmp_path, url=create_all_file(tmp_path / "app.db", TWICE_UNIQUE))
    assert r.code == 0, r.stdout + r.stderr


KEY_UNIQUE = '''import sqlalchemy as sa

metadata = sa.MetaData()
a = sa.Table("a", metadata, sa.Column("id", sa.Text, primary_key=True, unique=True), sa.Column("v", sa.Text))
b = sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True, unique=True))
c = sa.Table("c", metadata, sa.Column("x", sa.Integer, primary_key=True), sa.Column("y", sa.Integer, primary_key=True),
             sa.UniqueConstraint("x", "y"))
d = sa.Table("d", metadata, sa.Column("x", sa.Integer, primary_key=True), sa.Column("y", sa.Integer, primary_key=True),
             sa.UniqueConstraint("y", "x"))
'''


def test_a_unique_key_makes_the_indexes_create_all_makes(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """open-webui's `Column(Text, primary_key=True, unique=True)` (26 tables): SQLite makes no index for a UNIQUE on the
    key's own columns, except where the key is the rowid (an INTEGER key has no index of its own); mizzle created a
    second unique index on every such table."""
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(KEY_UNIQUE)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    assert run_mizzle(["migrate"], cwd=tmp_path, url=f"sqlite:///{tmp_path / 'mz.db'}").code == 0
    create_all_file(tmp_path / "ca.db", KEY_UNIQUE)

    def indexes(db: str) -> dict[str, list[tuple[int, str]]]:  # per table: (unique, columns) of each index
        conn = sqlite3.connect(tmp_path / db)
        out = {t: sorted((r[2], ",".join(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
                         for r in conn.execute(f"PRAGMA index_list({t})")) for t in "abcd"}
        conn.close()
        return out
    assert indexes("mz.db") == indexes("ca.db")


def _generated(root: Path, run_mizzle, schema: str) -> str:  # type: ignore[no-untyped-def]
    """The SQL of the first migration `mizzle generate` writes for the schema module `schema` in `root`."""
    (root / "mizzle.toml").write_text(TOML)
    (root / "schema.py").write_text(schema)
    assert run_mizzle(["generate", "--name", "init"], cwd=root).code == 0
    return next((root / "migrations").glob("0000_*.sql")).read_text()


def _created(tmp_path: Path, schema: str) -> str:
    """The URL of `created.db`, made by SQLAlchemy's own create_all from the schema module text `schema`."""
    import sqlalchemy as sa

    scope: dict[str, object] = {}
    exec(schema, scope)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'created.db'}")
    scope["metadata"].create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    return f"sqlite:///{tmp_path / 'created.db'}"


def _baseline_of_create_all_is_clean(tmp_path: Path, run_mizzle, schema: str) -> None:  # type: ignore[no-untyped-def]
    """`baseline` then `drift` on create_all's database of `schema`: the folder's first snapshot is that database."""
    url = _created(tmp_path, schema)
    for args in (["baseline"], ["drift"]):
        r = run_mizzle(args, cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr


def _migrated(tmp_path: Path, run_mizzle, schema: str) -> str:  # type: ignore[no-untyped-def]
    """The URL of `app.db` after `generate` of the schema module `schema` and `migrate`."""
    _generated(tmp_path, run_mizzle, schema)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    return url


def test_a_check_the_code_creates_for_another_dialect_only_is_left_out(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """privacyidea's `CheckConstraint("options IS JSON", _create_rule=…)` is Oracle's only: create_all leaves it out
    of SQLite's table, and mizzle wrote it (SQLite refused the migration)."""
    sql = _generated(tmp_path, run_mizzle,
                     "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                     "sa.Table('r', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('options', sa.JSON),\n"
                     "         sa.CheckConstraint('options IS JSON', name='r_json',\n"
                     "                            _create_rule=lambda c: c.dialect.name == 'oracle'),\n"
                     "         sa.CheckConstraint('id > 0', name='r_pos', _create_rule=lambda c: c.dialect.name == 'sqlite'))\n")
    assert "r_pos" in sql and "IS JSON" not in sql, sql
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0


def test_a_bigint_key_is_no_rowid_as_in_create_all(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """create_all declares a BigInteger key BIGINT: no rowid alias, so an insert without the key fails (the gotcha
    privacyidea works around with `.with_variant(sqlite.INTEGER(), "sqlite")`). mizzle wrote `integer PRIMARY KEY`,
    a rowid that fills itself in, and baseline and drift took create_all's database for the same."""
    import sqlalchemy as sa

    sql = _generated(tmp_path, run_mizzle,
                     "import sqlalchemy as sa\nfrom sqlalchemy.dialects import sqlite\nmetadata = sa.MetaData()\n"
                     "sa.Table('event', metadata, sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('name', sa.Text))\n"
                     "sa.Table('tag', metadata, sa.Column('id', sa.BigInteger().with_variant(sqlite.INTEGER(), 'sqlite'),"
                     " primary_key=True))\n")
    assert "`id` bigint PRIMARY KEY" in sql and "`id` integer PRIMARY KEY" in sql, sql
    scope: dict[str, object] = {}
    exec((tmp_path / "schema.py").read_text(), scope)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'created.db'}")
    scope["metadata"].create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    for db in ("app.db", "created.db"):  # the same behaviour in both
        conn = sqlite3.connect(tmp_path / db)
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            conn.execute("INSERT INTO event (name) VALUES ('x')")
        conn.execute("INSERT INTO tag DEFAULT VALUES")
        conn.close()
    b = run_mizzle(["baseline"], cwd=tmp_path, url=f"sqlite:///{tmp_path / 'created.db'}")
    assert b.code == 0, b.stdout + b.stderr
    # a rowid key in the snapshot is not create_all's BIGINT key: a difference
    aliased = _database(tmp_path / "aliased.db", "CREATE TABLE event (id BIGINT NOT NULL, name TEXT, PRIMARY KEY (id))",
                        "CREATE TABLE tag (id BIGINT NOT NULL, PRIMARY KEY (id))")
    d = run_mizzle(["baseline"], cwd=tmp_path, url=aliased)
    assert d.code == 3 and "tag.id: type integer → bigint" in d.stdout + d.stderr, d.stdout + d.stderr


def test_unnamed_checks_are_named_in_the_order_create_all_writes_them(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """tacker (OpenStack): unnamed CHECKs were named in the order of a set, so t_check and t_check1 swapped from one
    generate to the next, and verify, baseline and drift against create_all's database (which reads them back in its
    table's order) reported `~ check t_check on t: b > 0 → a > 0`."""
    checks = [f"c{i} > {i}" for i in (5, 2, 4, 0, 3, 1)]
    schema = ("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
              "t = sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
              + "".join(f"          sa.Column('c{i}', sa.Integer),\n" for i in range(6))
              + "".join(f"          sa.CheckConstraint('{c}'),\n" for c in checks) + ")\n")
    sql = _generated(tmp_path, run_mizzle, schema)
    names = ["t_check", *(f"t_check{i}" for i in range(1, 6))]
    assert all(f'CONSTRAINT "{n}" CHECK({c})' in sql for n, c in zip(names, checks, strict=True)), sql
    _baseline_of_create_all_is_clean(tmp_path, run_mizzle, schema)


def test_a_pulled_rowid_key_still_makes_its_values(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """OpenStack models on SQLite: pull wrote `autoincrement=False` on an INTEGER PRIMARY KEY (the rowid's alias,
    which makes its own values), and the ORM then refused to insert a row without an id ("NULL identity key")."""
    url = _database(tmp_path / "app.db", "CREATE TABLE t (id integer PRIMARY KEY NOT NULL, a integer)")
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert "autoincrement=False" not in code, code
    import sqlalchemy as sa
    from sqlalchemy import orm

    scope: dict[str, object] = {}
    exec(code, scope)
    table = scope["metadata"].tables["t"]  # type: ignore[attr-defined]

    class T:
        pass

    orm.registry().map_imperatively(T, table)
    engine = sa.create_engine(url)
    with orm.Session(engine) as s:
        row = T()
        row.a = 1  # type: ignore[attr-defined]
        s.add(row)
        s.flush()
        assert row.id == 1  # type: ignore[attr-defined]
    engine.dispose()


def test_pulled_declared_types_keep_their_python_values(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """barbican on SQLite: pull kept create_all's declared DATETIME, BOOLEAN and VARCHAR(36) as PgType (so that the
    module matches the database), and the module then read datetimes back as strings and booleans as integers. The
    declared type stays as written; its values behave as SQLAlchemy's own type of that name."""
    import datetime

    import sqlalchemy as sa

    md = sa.MetaData()
    sa.Table("s", md, sa.Column("id", sa.String(36), primary_key=True), sa.Column("at", sa.DateTime),
             sa.Column("deleted", sa.Boolean), sa.Column("n", sa.Numeric(10, 2)))
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = sa.create_engine(url)
    md.create_all(engine)
    with engine.begin() as c:
        c.execute(md.tables["s"].insert().values(id="a", at=datetime.datetime(2024, 1, 2, 3, 4, 5), deleted=True,
                                                 n=1.5))
    engine.dispose()
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert 'PgType("datetime", sa.DATETIME())' in code and 'PgType("boolean", sa.BOOLEAN())' in code, code
    scope: dict[str, object] = {}
    exec(code, scope)
    engine = sa.create_engine(url)
    with engine.connect() as c:
        row = c.execute(sa.select(scope["metadata"].tables["s"])).one()  # type: ignore[attr-defined]
    engine.dispose()
    assert row[1:] == (datetime.datetime(2024, 1, 2, 3, 4, 5), True, 1.5)
    for args in (["drift"], ["generate", "--check"]):
        r = run_mizzle(args, cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr


def test_a_number_default_with_leading_zeros_is_written(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`server_default="0644"` on an Integer (a file mode; a Float's "01.50" too): generate and pull crashed with
    'unexpected JSONDecodeError' writing the snapshot (JSON spells no leading zeros)."""
    schema = ("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
              "sa.Table('f', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
              "         sa.Column('mode', sa.Integer, nullable=False, server_default='0644'),\n"
              "         sa.Column('w', sa.Float, server_default='01.50'))\n")
    url = _migrated(tmp_path, run_mizzle, schema)
    conn = sqlite3.connect(tmp_path / "app.db")
    conn.execute("INSERT INTO f (id) VALUES (1)")
    assert conn.execute("SELECT mode, w FROM f").fetchone() == (644, 1.5)
    conn.close()
    for args in (["drift"], ["generate", "--check"]):
        r = run_mizzle(args, cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr


def test_a_computed_column_without_persisted_is_virtual_as_create_all_makes_it(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`sa.Computed("n * 2")` is SQLite's default kind, VIRTUAL, in create_all's table (no keyword) and in
    drizzle-kit's generatedAlwaysAs; mizzle made it STORED, and baseline against a create_all database failed with
    'generated stored → virtual'."""
    schema = ("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
              "sa.Table('g', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('n', sa.Integer),\n"
              "         sa.Column('d', sa.Integer, sa.Computed('n * 2')),\n"
              "         sa.Column('s', sa.Integer, sa.Computed('n * 3', persisted=True)))\n")
    sql = _generated(tmp_path, run_mizzle, schema)
    assert "GENERATED ALWAYS AS (n * 2) VIRTUAL" in sql and "GENERATED ALWAYS AS (n * 3) STORED" in sql, sql
    _baseline_of_create_all_is_clean(tmp_path, run_mizzle, schema)


def test_a_rebuilt_table_a_foreign_key_references_by_a_unique_column_applies(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Authelia on SQLite: rebuilding a table whose unique (non-key) column another table's foreign key references.
    The rebuild makes the unique index after `PRAGMA foreign_keys=ON` (drizzle-kit's order too), and the runner's
    foreign-key check at the pragma failed: 'foreign key mismatch - "child" referencing "parent"'. A row the
    rebuild leaves without its parent is still caught."""
    v1 = ("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
          "sa.Table('parent', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
          "         sa.Column('code', sa.Text, nullable=False, unique=True), sa.Column('note', sa.Text))\n"
          "sa.Table('child', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
          "         sa.Column('code', sa.Text, sa.ForeignKey('parent.code')))\n")
    url = _migrated(tmp_path, run_mizzle, v1)
    conn = sqlite3.connect(tmp_path / "app.db")
    conn.execute("INSERT INTO parent VALUES (1, 'a', NULL)")
    conn.execute("INSERT INTO child VALUES (1, 'a')")
    conn.commit()
    conn.close()
    (tmp_path / "schema.py").write_text(v1.replace("sa.Column('note', sa.Text)",
                                                   "sa.Column('note', sa.Text, nullable=False, server_default='')"))
    assert run_mizzle(["generate", "--name", "note"], cwd=tmp_path).code == 0
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert sql.index("PRAGMA foreign_keys=ON") < sql.index("CREATE UNIQUE INDEX"), sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    # a rebuild that loses a parent row still fails the check, after the indexes are back
    (tmp_path / "schema.py").write_text(v1.replace("sa.Column('note', sa.Text)", "sa.Column('note', sa.Integer)"))
    assert run_mizzle(["generate", "--name", "retype"], cwd=tmp_path).code == 0
    p = next((tmp_path / "migrations").glob("0002_*.sql"))
    p.write_text(p.read_text().replace('SELECT "id", "code", "note" FROM `parent`',
                                       'SELECT "id", "code", "note" FROM `parent` WHERE 0').replace(
        "SELECT `id`, `code`, `note` FROM `parent`", "SELECT `id`, `code`, `note` FROM `parent` WHERE 0"))
    assert "WHERE 0" in p.read_text(), p.read_text()
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code != 0 and "foreign key check failed" in r.stderr and "1 row(s) of child → parent" in r.stderr, r.stderr


def test_checks_and_generated_columns_a_create_text_hides_are_pulled(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Firefox's places.sqlite writes `… ON DELETE CASCADE CHECK(place_id != referrer_place_id)` (no comma, no space
    before the parenthesis); a hand-written table keeps its comments (`-- don't`). Pull wrote neither CHECK nor the
    generated column, and baseline against schema code naming the CHECK reported `- check …`."""
    source = _database(tmp_path / "source.db",
                       "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)",
                       "CREATE TABLE moz_places_metadata (id INTEGER PRIMARY KEY, place_id INTEGER NOT NULL,"
                       " referrer_place_id INTEGER,"
                       " FOREIGN KEY (place_id) REFERENCES moz_places(id) ON DELETE CASCADE,"
                       " FOREIGN KEY (referrer_place_id) REFERENCES moz_places(id) ON DELETE CASCADE"
                       " CHECK(place_id != referrer_place_id))",
                       "CREATE TABLE t (\n id INTEGER PRIMARY KEY AUTOINCREMENT, -- don't\n a INTEGER,\n"
                       " c INTEGER GENERATED ALWAYS AS (a * 2) STORED, /* (it's) */ check(a > 0))")
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
    assert r.code == 0, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert 'sa.CheckConstraint("place_id != referrer_place_id", name="moz_places_metadata_check")' in code, code
    assert 'sa.CheckConstraint("a > 0", name="t_check")' in code, code
    assert 'sa.Computed("a * 2", persisted=True)' in code, code
    b = run_mizzle(["baseline"], cwd=tmp_path, url=source)
    assert b.code == 0, b.stdout + b.stderr
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt).code == 0
    d = run_mizzle(["drift"], cwd=tmp_path, url=rebuilt)
    assert d.code == 0, d.stdout + d.stderr
