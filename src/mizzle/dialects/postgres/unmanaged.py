"""What a PostgreSQL database holds that mizzle does not manage (issue 17 item 11): one catalogue query, one
line per kind with the names. `pull`, `drift` and `verify` print these lines as warnings; nothing listed here
is ever dropped by mizzle. When mizzle starts managing a kind, delete its line from `KINDS`.

Objects an extension owns are left out (they come and go with the extension), and so are the schemas outside
the scope (the namespace oids passed in)."""

from __future__ import annotations

from typing import Any

# an extension's member ('e'), or part of another object ('i': a range type's constructor functions)
_NOT_EXT = ("NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{cat}'::regclass AND d.objid = {oid} "
            "AND d.deptype IN ('e', 'i'))")


# privileges other than those an object was made with: what default privileges gave it (Supabase grants every new
# public function to anon, authenticated and service_role), which a rebuild where they hold gives it again
def _not_as_made(acl: str, owner: str, nsp: str, kinds: tuple[str, str]) -> str:
    """SQL: the object's ACL `acl` is not what its owner's default privileges (global and its schema's, merged as
    PostgreSQL merges them; none: acldefault) give a new object of its kind. `kinds`: the kind as pg_default_acl
    spells it and as acldefault does (a sequence: 'S' and 's')."""
    default_kind, acl_kind = (f'({k})::"char"' for k in kinds)
    entries = "SELECT y.grantee, y.privilege_type, y.is_grantable FROM "
    given = (f"{entries}aclexplode(coalesce((SELECT g.defaclacl FROM pg_default_acl g WHERE g.defaclrole = {owner} "
             f"AND g.defaclnamespace = 0 AND g.defaclobjtype = {default_kind}), acldefault({acl_kind}, {owner}))) y "
             f"UNION {entries}pg_default_acl s, aclexplode(s.defaclacl) y WHERE s.defaclrole = {owner} "
             f"AND s.defaclnamespace = {nsp} AND s.defaclobjtype = {default_kind}")
    has = f"{entries}aclexplode(coalesce({acl}, acldefault({acl_kind}, {owner}))) y"
    return f"(EXISTS (({has}) EXCEPT ({given})) OR EXISTS (({given}) EXCEPT ({has})))"


# an extension's member whose privileges are not those the extension gave it: its pg_init_privs, or where it has
# none, what default privileges gave it as CREATE EXTENSION made it (citext's functions on Supabase)
# (speed: a CASE, so that membership, a hashed subplan read once, is asked first; as an EXISTS beside the comparison
# the planner compared every object of the scope with pg_init_privs first — 28 of the listing's 94 ms on 1,000 tables)
def _ext_privs(acl: str, cat: str, oid: str, owner: str, nsp: str, kinds: tuple[str, str]) -> str:
    """SQL: the extension member's ACL `acl` is not what the extension gave it."""
    initial = (f"FROM pg_init_privs ip WHERE ip.classoid = '{cat}'::regclass AND ip.objoid = {oid} "
               "AND ip.objsubid = 0")
    return (f"CASE WHEN {oid} IN (SELECT d.objid FROM pg_depend d WHERE d.classid = '{cat}'::regclass "
            f"AND d.deptype = 'e') THEN CASE WHEN EXISTS (SELECT 1 {initial}) THEN {acl} IS DISTINCT FROM "
            f"(SELECT ip.initprivs {initial}) ELSE {_not_as_made(acl, owner, nsp, kinds)} END ELSE false END")


def _rel(kind: str) -> str:
    return (f"SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind = '{kind}' AND c.relnamespace = ANY(%(ns)s) AND "
            + _NOT_EXT.format(cat="pg_class", oid="c.oid"))


def _proc(kind: str) -> str:
    return ("SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
            f"FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = '{kind}' "
            "AND p.pronamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_proc", oid="p.oid"))


def _type(kind: str) -> str:
    return ("SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE t.typtype = '{kind}' AND t.typnamespace = ANY(%(ns)s) AND "
            "(t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND "
            + _NOT_EXT.format(cat="pg_type", oid="t.oid"))


def _in_scope(catalog: str, alias: str, name: str, namespace: str) -> str:
    """The schema-qualified names of the rows of `catalog` in the namespaces in scope that no extension made."""
    return (f"SELECT n.nspname || '.' || {alias}.{name} FROM {catalog} {alias} JOIN pg_namespace n "
            f"ON n.oid = {alias}.{namespace} WHERE {alias}.{namespace} = ANY(%(ns)s) AND "
            + _NOT_EXT.format(cat=catalog, oid=f"{alias}.oid"))


def _init_differs(acl: str, init: str, kind: str, owner: str) -> str:
    """`acl` holds other privileges than initdb left the object with (`init`, its pg_init_privs row's, else the
    default; a column's: none). Speed: most of pg_catalog has neither, and an ACL as initdb left it is the same."""
    def entries(of: str) -> str:
        return f"ARRAY(SELECT x::text FROM unnest({of}) x ORDER BY 1)"
    default = "NULL::aclitem[]" if kind == "'c'" else f"acldefault({kind}::\"char\", {owner})"
    now, then = f"coalesce({acl}, {init}, {default})", f"coalesce({init}, {default})"
    return (f"({acl} IS NOT NULL OR {init} IS NOT NULL) AND {now} IS DISTINCT FROM {then} "
            f"AND {entries(now)} IS DISTINCT FROM {entries(then)}")


def _init_privs(alias: str, catalog: str, oid: str, sub: str = "0") -> str:
    return (f"LEFT JOIN pg_init_privs {alias} ON {alias}.objoid = {oid} AND {alias}.classoid = '{catalog}'::regclass "
            f"AND {alias}.objsubid = {sub} ")


def _owner_differs(acl: str, kind: str, owner: str) -> str:
    """The owner's entries in `acl` are not those PostgreSQL gives an owner by default (acldefault)."""
    def entries(of: str) -> str:
        return (f"ARRAY(SELECT x.privilege_type || x.is_grantable::text FROM aclexplode({of}) x "
                f"WHERE x.grantee = {owner} ORDER BY 1)")
    default = "acldefault((" + kind + ')::"char", ' + owner + ")"
    return f"{entries(acl)} IS DISTINCT FROM {entries(default)}"


def _on_table(select: str, catalog: str, alias: str, relcol: str, where: str = "true") -> str:
    return (f"SELECT {select} || ' on ' || n.nspname || '.' || c.relname FROM {catalog} {alias} "
            f"JOIN pg_class c ON c.oid = {alias}.{relcol} JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relnamespace = ANY(%(ns)s) AND {where}")


PARTITION_INDEX_NAMES = "partition index names"
OUTSIDE_USERS = ("objects of a schema outside the scope (schema_filter) using what is in it (a rebuild does not make "
                 "them)")

# kind (plural, as printed) → a query of the names, each one text column; %(ns)s: the namespace oids in scope
ROLE_ATTRIBUTES = ("role attributes and memberships a Role(…) does not state (a CREATE ROLE where the role is "
                   "missing makes it without them: ALTER ROLE, GRANT role in a migration of your own)")

# the type a column's or an argument's type is an array of, or the type itself
_ELEMENT = "CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END"

KINDS: dict[str, str] = {
    "foreign tables": _rel("f"),
    "aggregates": _proc("a"),
    "window functions": _proc("w"),
    # a function written in C or bound to a built-in one (MusicBrainz's immutable_unaccent): its body is a library's
    "C and internal functions": (
        "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
        "WHERE p.prokind IN ('f', 'p') AND l.lanname IN ('c', 'internal') AND p.pronamespace = ANY(%(ns)s) AND "
        + _NOT_EXT.format(cat="pg_proc", oid="p.oid")),
    # an extension's view keeps its rules (PostGIS's geometry_columns: geometry_columns_insert, …)
    "rules": _on_table("r.rulename", "pg_rewrite", "r", "ev_class", "r.rulename <> '_RETURN' AND "
                       + _NOT_EXT.format(cat="pg_class", oid="c.oid") + " AND "
                       + _NOT_EXT.format(cat="pg_rewrite", oid="r.oid")),
    "range types": _type("r"),
    # CREATE TYPE … (INPUT = …, OUTPUT = …) (create_type.sql's int42); an array type is its element's (internal)
    "base types": _type("b"),
    "extended statistics": ("SELECT n.nspname || '.' || s.stxname FROM pg_statistic_ext s JOIN pg_namespace n "
                            "ON n.oid = s.stxnamespace WHERE s.stxnamespace = ANY(%(ns)s)"),
    "collations": _in_scope("pg_collation", "co", "collname", "collnamespace"),
    "operators": _in_scope("pg_operator", "o", "oprname", "oprnamespace"),
    # a partition key's or an index's opclass (PostgreSQL's create_table.sql: `PARTITION BY RANGE (a test_int4_ops)`)
    "operator classes": ("SELECT n.nspname || '.' || oc.opcname || ' (' || am.amname || ')' FROM pg_opclass oc "
                         "JOIN pg_am am ON am.oid = oc.opcmethod JOIN pg_namespace n ON n.oid = oc.opcnamespace "
                         "WHERE oc.opcnamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_opclass", oid="oc.oid")),
    # a family of its own (CREATE OPERATOR FAMILY), not the one CREATE OPERATOR CLASS makes under the class's name
    "operator families": ("SELECT n.nspname || '.' || f.opfname || ' (' || am.amname || ')' FROM pg_opfamily f "
                          "JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_namespace n ON n.oid = f.opfnamespace "
                          "WHERE f.opfnamespace = ANY(%(ns)s) AND NOT EXISTS (SELECT 1 FROM pg_opclass oc WHERE "
                          "oc.opcfamily = f.oid AND oc.opcname = f.opfname AND oc.opcnamespace = f.opfnamespace) "
                          "AND " + _NOT_EXT.format(cat="pg_opfamily", oid="f.oid")),
    # what PostgreSQL's pg_dump test suite makes (src/bin/pg_dump/t/002_pg_dump.pl) that was neither pulled nor named
    "shell types (CREATE TYPE with no definition)": _type("p"),
    "conversions": _in_scope("pg_conversion", "v", "conname", "connamespace"),
    "text search parsers": _in_scope("pg_ts_parser", "t", "prsname", "prsnamespace"),
    "text search templates": _in_scope("pg_ts_template", "t", "tmplname", "tmplnamespace"),
    "text search dictionaries": _in_scope("pg_ts_dict", "t", "dictname", "dictnamespace"),
    # a table or materialized view USING an access method other than heap: the model has none, a rebuild makes heap
    "table access methods (USING …)": (
        "SELECT n.nspname || '.' || c.relname || ' ' || am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'p') AND am.amname <> 'heap' "
        "AND c.relnamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_class", oid="c.oid")),
    # a function's planner support function (CREATE FUNCTION … SUPPORT varchar_support): the model has none
    "planner support functions of functions (SUPPORT …)": (
        "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || "
        "p.prosupport::regproc::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.prosupport <> 0 AND p.prokind IN ('f', 'p') AND p.pronamespace = ANY(%(ns)s) AND "
        + _NOT_EXT.format(cat="pg_proc", oid="p.oid")),
    "text search configurations": _in_scope("pg_ts_config", "t", "cfgname", "cfgnamespace"),
    # a table's, an index's (an exclusion constraint's too) or a materialized view's place: mizzle models no
    # tablespaces, so a rebuild would put it in the database's default one
    "tablespace placements": ("SELECT n.nspname || '.' || c.relname || ' in ' || ts.spcname FROM pg_class c "
                              "JOIN pg_tablespace ts ON ts.oid = c.reltablespace JOIN pg_namespace n "
                              "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm') "
                              "AND c.relnamespace = ANY(%(ns)s)"),
    # a partition's copy of its partitioned table's index or key under a name of its own: the schema code declares
    # the index or key once, on the partitioned table, and a rebuild names each copy as PostgreSQL does
    # (`<partition>_<columns>_idx`, `_key`, `_pkey`; the columns as the index names them)
    # a partition's index under another name than PostgreSQL gives it (ChooseRelationName: checked in found_of, as
    # the SQL cannot cut the name's parts as PostgreSQL does; the row carries them after the name, chr(1) apart)
    PARTITION_INDEX_NAMES: (
        "SELECT ic.relname || ' on ' || n.nspname || '.' || c.relname || chr(1) || ic.relname || chr(1) || c.relname "
        "|| chr(1) || CASE WHEN con.contype = 'p' THEN '' ELSE (SELECT string_agg(a.attname, '_' ORDER BY a.attnum) "
        "FROM pg_attribute a WHERE a.attrelid = ic.oid) END || chr(1) || CASE con.contype WHEN 'p' THEN 'pkey' "
        "WHEN 'u' THEN 'key' WHEN 'x' THEN 'excl' ELSE 'idx' END FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
        "AND con.conrelid = i.indrelid WHERE ic.relispartition AND c.relnamespace = ANY(%(ns)s) AND ic.relname <> "
        "left(c.relname || CASE WHEN con.contype = 'p' THEN '_pkey' ELSE '_' || (SELECT string_agg(a.attname, '_' "
        "ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = ic.oid) || CASE con.contype WHEN 'u' THEN '_key' "
        "WHEN 'x' THEN '_excl' ELSE '_idx' END END, 63)"),
    # a partition's index that is a constraint (UNIQUE, PRIMARY KEY) under a partitioned index that is none, or the
    # reverse: the schema code declares the partitioned one, and a rebuild makes each partition's copy alike
    "partition indexes unlike their partitioned index (constraint or not)": (
        "SELECT ic.relname || ' on ' || n.nspname || '.' || c.relname FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits h ON h.inhrelid = ic.oid "
        "WHERE ic.relispartition AND c.relnamespace = ANY(%(ns)s) AND EXISTS (SELECT 1 FROM pg_constraint x "
        "WHERE x.conindid = ic.oid AND x.conrelid = c.oid AND x.contype IN ('p', 'u', 'x')) <> EXISTS (SELECT 1 "
        "FROM pg_constraint y JOIN pg_index pi ON pi.indexrelid = y.conindid AND pi.indrelid = y.conrelid "
        "WHERE y.conindid = h.inhparent AND y.contype IN ('p', 'u', 'x'))"),
    # a partition's index with storage parameters other than its partitioned index's (Supabase's supachat example
    # makes each day's index `WITH (fillfactor=100)` and attaches it under one that has none): a rebuild makes every
    # copy with the partitioned index's
    "partition indexes with storage parameters unlike their partitioned index's (WITH (…))": (
        "SELECT ic.relname || ' on ' || n.nspname || '.' || c.relname || ' (' || coalesce(array_to_string("
        "ic.reloptions, ', '), 'none') || ')' FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_inherits h ON h.inhrelid = ic.oid JOIN pg_class pi ON pi.oid = h.inhparent "
        "WHERE ic.relispartition AND c.relnamespace = ANY(%(ns)s) "
        "AND ic.reloptions IS DISTINCT FROM pi.reloptions"),
    # an index not valid: a CREATE INDEX CONCURRENTLY that failed, or a partitioned index (ALTER TABLE ONLY … ADD
    # PRIMARY KEY, CREATE INDEX ON ONLY) not yet on every partition; a rebuild makes it whole and valid
    "invalid indexes": _on_table("(SELECT ic.relname FROM pg_class ic WHERE ic.oid = i.indexrelid)",
                                 "pg_index", "i", "indrelid", "NOT i.indisvalid"),
    # COMMENT ON what mizzle models without its comment (tables, columns, a table's indexes and constraints, enums,
    # views, functions, triggers, domains and composite types keep theirs): a materialized view's index, a
    # sequence, a view's or composite type's column, a domain's constraint, a range type, a policy, a schema (not
    # the public schema's own "standard public schema"), an extension whose comment is not its control file's
    # (Sourcegraph's own text for pg_stat_statements: CREATE EXTENSION gives a rebuild the control file's)
    "comments": (
        "SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid) FROM pg_description d WHERE "
        "(d.classoid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = d.objoid "
        "AND c.relnamespace = ANY(%(ns)s) AND (c.relkind = 'S' OR (c.relkind IN ('i', 'I') AND EXISTS (SELECT 1 "
        "FROM pg_index i JOIN pg_class m ON m.oid = i.indrelid WHERE i.indexrelid = c.oid AND m.relkind = 'm')) "
        "OR (c.relkind IN ('v', 'm', 'c') "
        "AND d.objsubid > 0)) AND (CASE WHEN c.relkind = 'c' THEN "  # a composite type's row is part of its type
        + _NOT_EXT.format(cat="pg_type", oid="c.reltype") + " ELSE "
        + _NOT_EXT.format(cat="pg_class", oid="c.oid") + " END))) "
        "OR (d.classoid = 'pg_constraint'::regclass AND EXISTS (SELECT 1 FROM pg_constraint con "
        "WHERE con.oid = d.objoid AND con.conrelid = 0 AND con.connamespace = ANY(%(ns)s))) "
        "OR (d.classoid = 'pg_type'::regclass AND EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = d.objoid "
        "AND t.typtype IN ('r', 'm') AND t.typnamespace = ANY(%(ns)s) AND "
        + _NOT_EXT.format(cat="pg_type", oid="t.oid") + ")) "
        "OR (d.classoid = 'pg_policy'::regclass AND EXISTS (SELECT 1 FROM pg_policy p JOIN pg_class c "
        "ON c.oid = p.polrelid WHERE p.oid = d.objoid AND c.relnamespace = ANY(%(ns)s))) "
        "OR (d.classoid = 'pg_namespace'::regclass AND d.objoid = ANY(%(ns)s) AND NOT EXISTS (SELECT 1 FROM "
        "pg_namespace s WHERE s.oid = d.objoid AND s.nspname = 'public' AND d.description = 'standard public schema')) "
        "OR (d.classoid = 'pg_extension'::regclass AND EXISTS (SELECT 1 FROM pg_extension e WHERE e.oid = d.objoid "
        "AND d.description IS DISTINCT FROM coalesce((SELECT v.comment FROM pg_available_extension_versions v "
        "WHERE v.name = e.extname AND v.version = e.extversion), (SELECT a.comment FROM pg_available_extensions a "
        "WHERE a.name = e.extname))))"),
    # settings of what mizzle manages that it does not model (a rebuild leaves them at their defaults)
    "clustered indexes (CLUSTER ON)": _on_table("(SELECT ic.relname FROM pg_class ic WHERE ic.oid = i.indexrelid)",
                                                "pg_index", "i", "indrelid", "i.indisclustered"),
    "replica identities (REPLICA IDENTITY)": (
        "SELECT n.nspname || '.' || c.relname || ' ' || CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' "
        "THEN 'nothing' ELSE 'using index' END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'm') AND c.relreplident <> 'd' AND c.relnamespace = ANY(%(ns)s)"),
    # an unlogged sequence (an owned one turns unlogged with its table's SET UNLOGGED): a rebuild makes one unlogged
    # only as part of an unlogged table, its identity's or serial's (`<table>_<column>_seq`); a sequence otherwise
    # named is made on its own, logged, then OWNED BY (coder's workspace_agent_startup_logs_id_seq, kept under the
    # name of a renamed table) — listed where the two differ
    "sequence persistence (UNLOGGED SEQUENCE, SET LOGGED)": (
        "SELECT n.nspname || '.' || s.relname || CASE s.relpersistence WHEN 'u' THEN ' unlogged' ELSE ' logged' END "
        "FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace WHERE s.relkind = 'S' "
        "AND s.relnamespace = ANY(%(ns)s) AND (s.relpersistence = 'u') <> EXISTS (SELECT 1 FROM pg_depend d "
        "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
        "WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass "
        "AND d.deptype IN ('a', 'i') AND t.relpersistence = 'u' "
        "AND (d.deptype = 'i' OR s.relname = t.relname || '_' || a.attname || '_seq')) AND "
        + _NOT_EXT.format(cat="pg_class", oid="s.oid")),
    "trigger states (DISABLE / ENABLE REPLICA / ALWAYS)": _on_table(
        "t.tgname || ' ' || CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END",
        "pg_trigger", "t", "tgrelid", "NOT t.tgisinternal AND t.tgenabled <> 'O'"),
    "constraint triggers from another table (CONSTRAINT TRIGGER … FROM)": _on_table(
        "t.tgname", "pg_trigger", "t", "tgrelid", "NOT t.tgisinternal AND t.tgconstrrelid <> 0"),
    "table storage parameters (WITH (…))": (
        "SELECT n.nspname || '.' || c.relname || ' (' || array_to_string(c.reloptions, ', ') || ')' FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL "
        "AND c.relnamespace = ANY(%(ns)s)"),
    # the index parameters of a primary key or unique constraint (PostgreSQL's own `UNIQUE(name) WITH
    # (fillfactor=70)`, `UNIQUE (a) INCLUDE (b)`): the model's keys have none, so a rebuild makes plain keys. A
    # partition's copy goes with its partitioned table's key
    "key and unique constraint index options (INCLUDE, WITH (…))": (
        "SELECT n.nspname || '.' || c.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid) || "
        "coalesce(' WITH (' || array_to_string(ic.reloptions, ', ') || ')', '') FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_index i ON i.indexrelid = con.conindid JOIN pg_class ic ON ic.oid = con.conindid "
        "WHERE con.contype IN ('p', 'u') AND con.conparentid = 0 AND c.relnamespace = ANY(%(ns)s) "
        "AND (i.indnkeyatts < i.indnatts OR ic.reloptions IS NOT NULL)"),
    "typed tables (OF type; made again as plain tables)": (
        "SELECT n.nspname || '.' || c.relname || ' of ' || format_type(c.reloftype, NULL) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.reloftype <> 0 "
        "AND c.relnamespace = ANY(%(ns)s)"),
    # a domain's own COLLATE (the model's domain has none: a rebuild creates it with its base type's collation)
    "domain collations (COLLATE)": (
        "SELECT n.nspname || '.' || t.typname || ' ' || quote_ident(co.collname) FROM pg_type t "
        "JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_collation co ON co.oid = t.typcollation "
        "JOIN pg_type b ON b.oid = t.typbasetype WHERE t.typtype = 'd' AND t.typcollation <> b.typcollation "
        "AND t.typnamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_type", oid="t.oid")),
    # GRANT / REVOKE on what mizzle manages without its privileges (a NULL acl is the default's, and so is what
    # default privileges gave it when it was made; tables, views, columns, sequences and schemas keep theirs)
    "privileges on functions and procedures (GRANT / REVOKE)": (
        "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL "
        "AND p.pronamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_proc", oid="p.oid") + " AND "
        + _not_as_made("p.proacl", "p.proowner", "p.pronamespace", ("'f'", "'f'"))),
    "privileges on types and domains (GRANT / REVOKE)": (
        "SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.typacl IS NOT NULL AND t.typtype IN ('d', 'e', 'c', 'r', 'm') AND t.typnamespace = ANY(%(ns)s) AND "
        + _NOT_EXT.format(cat="pg_type", oid="t.oid") + " AND "
        + _not_as_made("t.typacl", "t.typowner", "t.typnamespace", ("'T'", "'T'"))),
    # GRANT / REVOKE to an object's owner (mizzle models the privileges of other roles only: an owner holds all of
    # them): a privilege revoked from the owner of a table, view, sequence or schema, one granted WITH GRANT OPTION,
    # a column's privilege granted to its table's owner (supabase/postgres-meta's `GRANT UPDATE (name) … TO postgres`)
    "privileges of an object's owner (GRANT / REVOKE to the owner)": (
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relnamespace = ANY(%(ns)s) AND c.relacl IS NOT NULL AND "
        + _owner_differs("c.relacl", "CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END", "c.relowner") + " AND "
        + _NOT_EXT.format(cat="pg_class", oid="c.oid")
        + " UNION ALL SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE n.oid = ANY(%(ns)s) "
        "AND n.nspacl IS NOT NULL AND " + _owner_differs("n.nspacl", "'n'", "n.nspowner")),
    # PUBLIC's USAGE on schema public, which every database is created with, revoked: introspection leaves that
    # default out of the grants (the code does not declare it), so its absence is no grant either, and a rebuild
    # has it again — listed, not silently undone (REVOKE … FROM PUBLIC is a common hardening)
    "schemas whose USAGE is revoked from PUBLIC (REVOKE USAGE ON SCHEMA … FROM PUBLIC)": (
        "SELECT n.nspname FROM pg_namespace n WHERE n.oid = ANY(%(ns)s) AND n.nspname = 'public' AND NOT EXISTS "
        "(SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n'::\"char\", n.nspowner))) a "
        "WHERE a.grantee = 0 AND a.privilege_type = 'USAGE')"),
    # an extension (`Extension(…, schema=…)`, database-wide) in a schema the scope leaves out: Windmill's `uuid-ossp`
    # in `extensions`, pulled with schema_filter = ["public"]; its CREATE EXTENSION … SCHEMA fails where that schema
    # was not made first (public and pg_catalog are in every database)
    "extensions in a schema outside the scope (schema_filter): make the schema first wherever their CREATE EXTENSION "
    "runs": (
        "SELECT e.extname || ' (' || n.nspname || ')' FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname <> 'plpgsql' AND NOT (e.extnamespace = ANY(%(ns)s)) "
        "AND n.nspname NOT IN ('public', 'pg_catalog')"),
    # a sequence of a schema the scope leaves out that a pulled column's default takes its values from
    # (`DEFAULT nextval('other.ids')`): the baseline names it, and its CREATE TABLE fails where it is missing
    "sequences of a schema outside the scope (schema_filter) a default uses: the baseline names the sequence and "
    "needs it wherever it runs": (
        "SELECT sn.nspname || '.' || s.relname || ' (default of ' || n.nspname || '.' || c.relname || '.' "
        "|| a.attname || ')' FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum "
        "JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid "
        "AND d.refclassid = 'pg_class'::regclass "
        "JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace "
        "WHERE c.relnamespace = ANY(%(ns)s) AND NOT (s.relnamespace = ANY(%(ns)s))"),
    # the attributes of a role the scope's policies or grants name beyond those `Role(…)` states (CREATEDB,
    # CREATEROLE, INHERIT), and the roles it is a member of: Windmill's `windmill_admin WITH BYPASSRLS`, `GRANT
    # windmill_user TO windmill_admin`; the pulled `Role(…)` makes a missing role without them (not the connecting role's: it is there wherever the migrations run as it)
    ROLE_ATTRIBUTES: (
        "SELECT r.rolname || ': ' || concat_ws(', ', CASE WHEN r.rolsuper THEN 'SUPERUSER' END, "
        "CASE WHEN r.rolcanlogin THEN 'LOGIN' END, CASE WHEN r.rolreplication THEN 'REPLICATION' END, "
        "CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END, "
        "CASE WHEN r.rolconnlimit <> -1 THEN 'CONNECTION LIMIT ' || r.rolconnlimit END, "
        "CASE WHEN r.rolvaliduntil IS NOT NULL THEN 'VALID UNTIL ' || r.rolvaliduntil END, "
        "(SELECT 'MEMBER OF ' || string_agg(quote_ident(g.rolname), ', ' ORDER BY g.rolname) "
        "FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)) "
        "FROM pg_roles r WHERE r.rolname !~ '^pg_' AND r.rolname <> current_user AND (r.rolsuper OR r.rolcanlogin "
        "OR r.rolreplication OR r.rolbypassrls OR r.rolconnlimit <> -1 OR r.rolvaliduntil IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)) AND ("
        "r.oid IN (SELECT unnest(p.polroles) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        "WHERE c.relnamespace = ANY(%(ns)s)) "
        "OR r.oid IN (SELECT a.grantee FROM pg_class c, aclexplode(c.relacl) a WHERE c.relkind IN "
        "('r', 'p', 'S', 'v', 'm') AND c.relnamespace = ANY(%(ns)s) AND a.grantee <> c.relowner) "
        "OR r.oid IN (SELECT a.grantee FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, "
        "aclexplode(att.attacl) a WHERE att.attacl IS NOT NULL AND c.relnamespace = ANY(%(ns)s) "
        "AND a.grantee <> c.relowner) "
        "OR r.oid IN (SELECT a.grantee FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = ANY(%(ns)s) "
        "AND a.grantee <> n.nspowner))"),
    # ALTER DEFAULT PRIVILEGES (a schema's in scope, or database-wide): the privileges objects created later get
    "default privileges (ALTER DEFAULT PRIVILEGES)": (
        "SELECT 'for ' || pg_get_userbyid(d.defaclrole) || coalesce(' in ' || n.nspname, '') || ' on ' || "
        "CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' "
        "WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END "
        "FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace "
        "WHERE d.defaclnamespace = 0 OR d.defaclnamespace = ANY(%(ns)s)"),
    # a privilege default privileges give a new table, view or sequence that it no longer has (Supabase's slack-clone
    # revokes all on user_roles from anon and authenticated, to which every new public table is granted): a rebuild
    # where those default privileges hold (a new Supabase project) grants it again, the declared grants say nothing
    "privileges revoked from what default privileges give a new object (a rebuild where they hold grants them "
    "again: REVOKE in a migration of your own)": (
        "SELECT n.nspname || '.' || c.relname || ': ' || string_agg(e.privilege_type, ', ' ORDER BY "
        "e.privilege_type) || ' to ' || CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE "
        "quote_ident(pg_get_userbyid(e.grantee)) END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL (SELECT CASE WHEN c.relkind = 'S' THEN 'S' ELSE 'r' END AS kind) k "
        "CROSS JOIN LATERAL (SELECT DISTINCT x.grantee, x.privilege_type FROM pg_default_acl d, "
        "aclexplode(d.defaclacl) x WHERE d.defaclrole = c.relowner AND d.defaclnamespace IN (0, c.relnamespace) "
        "AND d.defaclobjtype = k.kind::\"char\") e WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
        "AND c.relnamespace = ANY(%(ns)s) AND e.grantee <> c.relowner AND NOT EXISTS (SELECT 1 FROM pg_depend x "
        "WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e') "  # an identity's: 'i'
        "AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce("
        "c.relacl, acldefault(lower(k.kind)::\"char\", c.relowner))) h WHERE h.grantee = e.grantee "
        "AND h.privilege_type = e.privilege_type) GROUP BY n.nspname, c.relname, e.grantee"),
    # GRANT / REVOKE on an extension's own function, table, sequence or type, away from what the extension made
    # (pg_init_privs): tambo grants pgcrypto's functions to its roles
    "privileges on an extension's objects (GRANT / REVOKE)": (
        "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.pronamespace = ANY(%(ns)s) AND "
        + _ext_privs("p.proacl", "pg_proc", "p.oid", "p.proowner", "p.pronamespace", ("'f'", "'f'"))
        + " UNION ALL SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relnamespace = ANY(%(ns)s) AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND "
        + _ext_privs("c.relacl", "pg_class", "c.oid", "c.relowner", "c.relnamespace",
                     ("CASE c.relkind WHEN 'S' THEN 'S' ELSE 'r' END", "CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END"))
        + " UNION ALL SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n "
        "ON n.oid = t.typnamespace WHERE t.typnamespace = ANY(%(ns)s) AND "
        + _ext_privs("t.typacl", "pg_type", "t.oid", "t.typowner", "t.typnamespace", ("'T'", "'T'"))),
    # the reverse: a trigger, policy or view on a table of a schema outside the scope using a function, table, view or
    # type in it (Supabase's on_auth_user_created on auth.users executing public.handle_new_user(), pulled with
    # schema_filter = ["public"]): the app's own, but neither pulled nor made by a rebuild
    OUTSIDE_USERS: (
        "SELECT DISTINCT CASE WHEN d.classid = 'pg_rewrite'::regclass THEN 'view ' || n.nspname || '.' || c.relname "
        "ELSE o.type || ' ' || o.identity END || ' uses ' || u.type || ' ' || CASE WHEN d.refclassid = "
        "'pg_proc'::regclass THEN (SELECT pn.nspname || '.' || p.proname || '(' || "
        "pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p JOIN pg_namespace pn ON pn.oid = "
        "p.pronamespace WHERE p.oid = d.refobjid) ELSE u.identity END FROM pg_depend d "
        "JOIN LATERAL (SELECT t.tgrelid FROM pg_trigger t WHERE d.classid = 'pg_trigger'::regclass "
        "AND t.oid = d.objid AND NOT t.tgisinternal UNION ALL SELECT p.polrelid FROM pg_policy p "
        "WHERE d.classid = 'pg_policy'::regclass AND p.oid = d.objid UNION ALL SELECT r.ev_class FROM pg_rewrite r "
        "WHERE d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid) AS x(rel) ON true "
        "JOIN pg_class c ON c.oid = x.rel JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, 0) AS o "
        "CROSS JOIN LATERAL pg_identify_object(d.refclassid, d.refobjid, 0) AS u "
        "WHERE d.deptype = 'n' AND d.classid IN ('pg_trigger'::regclass, 'pg_policy'::regclass, "
        "'pg_rewrite'::regclass) AND c.relnamespace <> ALL(%(ns)s) AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema') AND " + _NOT_EXT.format(cat="pg_class", oid="c.oid") + " AND CASE d.refclassid "
        "WHEN 'pg_proc'::regclass THEN (SELECT p.pronamespace FROM pg_proc p WHERE p.oid = d.refobjid) "
        "WHEN 'pg_class'::regclass THEN (SELECT r.relnamespace FROM pg_class r WHERE r.oid = d.refobjid) "
        "WHEN 'pg_type'::regclass THEN (SELECT t.typnamespace FROM pg_type t WHERE t.oid = d.refobjid) "
        "END = ANY(%(ns)s)"),
    # a function or procedure in scope taking or returning a type of a schema outside it and no extension's, or an
    # array of one (basejump's public.create_invitation(…, account_role basejump.account_role, …), pulled with
    # schema_filter = ["public"]): the module and the baseline name the type without making it
    "routines taking or returning a type of a schema outside what was pulled (schema_filter): the baseline names the "
    "type and needs it wherever it runs": (
        "SELECT DISTINCT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') uses '"
        " || quote_ident(bn.nspname) || '.' || quote_ident(b.typname) FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
        "AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'n' JOIN pg_type t ON t.oid = d.refobjid "
        "JOIN pg_type b ON b.oid = " + _ELEMENT + " JOIN pg_namespace bn ON bn.oid = b.typnamespace "
        "WHERE p.prokind IN ('f', 'p') AND p.pronamespace = ANY(%(ns)s) AND b.typnamespace <> ALL(%(ns)s) "
        "AND bn.nspname NOT IN ('pg_catalog', 'information_schema') AND "
        + _NOT_EXT.format(cat="pg_proc", oid="p.oid") + " AND " + _NOT_EXT.format(cat="pg_type", oid="b.oid")),
    # what mizzle writes that uses what it does not (pagila's view calling the aggregate group_concat, MusicBrainz's
    # indexes in a collation of its own): pulled SQL that builds it fails until the other is made first
    "uses of what mizzle does not manage (make that first where pulled SQL runs)": (
        "SELECT DISTINCT CASE WHEN d.classid = 'pg_rewrite'::regclass THEN (SELECT 'view ' || vn.nspname || '.' || "
        "v.relname FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = "
        "v.relnamespace WHERE r.oid = d.objid) ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END "
        "|| ' uses ' || pg_describe_object(u.cls, u.oid, 0) FROM ("
        "SELECT 'pg_proc'::regclass AS cls, p.oid FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
        "WHERE p.pronamespace = ANY(%(ns)s) AND (p.prokind IN ('a', 'w') OR l.lanname IN ('c', 'internal')) AND "
        + _NOT_EXT.format(cat="pg_proc", oid="p.oid")
        + " UNION ALL SELECT 'pg_collation'::regclass, co.oid FROM pg_collation co WHERE co.collnamespace = "
        "ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_collation", oid="co.oid")
        + " UNION ALL SELECT 'pg_ts_config'::regclass, t.oid FROM pg_ts_config t WHERE t.cfgnamespace = "
        "ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_ts_config", oid="t.oid")
        + " UNION ALL SELECT 'pg_opclass'::regclass, oc.oid FROM pg_opclass oc WHERE oc.opcnamespace = "
        "ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_opclass", oid="oc.oid")
        # a range type (hatchet's uuidrange), its multirange, or an array of either: a column of it cannot be made
        + " UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace = ANY(%(ns)s) AND "
        "(t.typtype IN ('r', 'm') OR (SELECT e.typtype FROM pg_type e WHERE e.oid = t.typelem) IN ('r', 'm')) AND "
        "NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = "
        "coalesce(nullif(t.typelem, 0), t.oid) AND x.deptype = 'e')"  # not an extension's (its array: internal)
        # a base type of its own (pg_dump's test suite's dump_test.int42, from int4in and int4out), or an array of one;
        # not an array of an enum, domain or composite type, also of typtype 'b' (inbox-zero's "ApiKeyScope"[])
        + " UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace = ANY(%(ns)s) AND "
        "t.typtype = 'b' AND coalesce((SELECT e.typtype FROM pg_type e WHERE e.typarray = t.oid), 'b') = 'b' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND "
        "x.objid = coalesce(nullif(t.typelem, 0), t.oid) AND x.deptype = 'e')"
        + ") u JOIN pg_depend d ON d.refclassid = u.cls AND d.refobjid = u.oid AND d.deptype = 'n' "
        "WHERE (d.classid <> 'pg_proc'::regclass OR NOT EXISTS (SELECT 1 FROM pg_aggregate ag "
        "WHERE ag.aggfnoid = d.objid)) "  # an aggregate's own support function is part of it
        "AND (d.classid <> 'pg_proc'::regclass OR NOT EXISTS (SELECT 1 FROM pg_proc dp JOIN pg_language dl "
        "ON dl.oid = dp.prolang WHERE dp.oid = d.objid AND dl.lanname IN ('c', 'internal'))) "  # nor pulled itself
        "AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = d.classid AND x.objid = d.objid "
        # nor what a type makes with itself (a range type's constructors; a composite type's relation is its type's)
        "AND x.deptype = 'i' AND x.refclassid = 'pg_type'::regclass AND x.refobjid = d.refobjid)"),
    # a search path the database or the role sets (ALTER DATABASE … SET search_path, MusicBrainz's `musicbrainz,
    # public`): the server prints names as it finds them, so pulled SQL builds a database only where it is set too
    "search path settings (ALTER DATABASE / ROLE … SET search_path)": (
        "SELECT current_setting('search_path') WHERE current_setting('search_path') NOT IN ('\"$user\", public', "
        "'public', '\"$user\",public')"),
    # schema public dropped: mizzle's model takes it as there, as every new database has it, so a database built from
    # the migrations (a new one, verify's and check --rebuild-snapshots' scratch databases) has it and this one not
    "schemas every new database has, missing here (a database built from the migrations — a new one, verify's or "
    "check --rebuild-snapshots' scratch — has it; mizzle neither makes nor drops it, and what the schema code puts "
    "in it fails here until a migration runs CREATE SCHEMA public)": (
        "SELECT 'no schema public' WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')"),
    # database-wide (an extension's own — postgres_fdw's wrapper, hstore's casts — aside)
    "casts": ("SELECT '(' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ')' "
              "FROM pg_cast c WHERE c.oid >= 16384 AND " + _NOT_EXT.format(cat="pg_cast", oid="c.oid")),
    "foreign-data wrappers": ("SELECT w.fdwname FROM pg_foreign_data_wrapper w WHERE "
                              + _NOT_EXT.format(cat="pg_foreign_data_wrapper", oid="w.oid")),
    "user mappings": "SELECT u.usename || ' for ' || u.srvname FROM pg_user_mappings u",
    "event triggers": "SELECT e.evtname FROM pg_event_trigger e",
    # GRANT / REVOKE on pg_catalog's functions and tables (a column's too) and on languages,
    # away from what initdb made (pg_init_privs; the default where it has none): 002_pg_dump.pl's REVOKE … ON
    # FUNCTION pg_catalog.pg_sleep, GRANT SELECT (proname) ON pg_catalog.pg_proc, REVOKE ALL ON LANGUAGE plpgsql
    "privileges on the system's own objects and languages (GRANT / REVOKE away from what initdb made)": (
        "SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) "
        "|| ')' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace " + _init_privs("i", "pg_proc", "p.oid")
        + "WHERE n.nspname = 'pg_catalog' AND " + _init_differs("p.proacl", "i.initprivs", "'f'", "p.proowner")
        + " UNION SELECT 'table ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace " + _init_privs("i", "pg_class", "c.oid")
        + "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        + _init_privs("ia", "pg_class", "c.oid", "a.attnum")
        + "WHERE n.nspname = 'pg_catalog' AND c.relkind IN ('r', 'v', 'S') AND ("
        + _init_differs("c.relacl", "i.initprivs", "'r'", "c.relowner") + " OR (a.attnum IS NOT NULL AND "
        + _init_differs("a.attacl", "ia.initprivs", "'c'", "c.relowner") + "))"
        " UNION SELECT 'language ' || l.lanname FROM pg_language l " + _init_privs("i", "pg_language", "l.oid")
        + "WHERE " + _init_differs("l.lanacl", "i.initprivs", "'l'", "l.lanowner")),
    "access methods": ("SELECT a.amname FROM pg_am a WHERE a.oid >= 16384 AND "
                       + _NOT_EXT.format(cat="pg_am", oid="a.oid")),
    "transforms": ("SELECT format_type(t.trftype, NULL) || ' for ' || l.lanname FROM pg_transform t "
                   "JOIN pg_language l ON l.oid = t.trflang WHERE " + _NOT_EXT.format(cat="pg_transform", oid="t.oid")),
    "procedural languages": ("SELECT l.lanname FROM pg_language l WHERE l.oid >= 16384 AND "
                             + _NOT_EXT.format(cat="pg_language", oid="l.oid")),
    "publications": "SELECT p.pubname FROM pg_publication p",
    # this database's (002_pg_dump.pl's sub1, made WITH (connect = false)); subname is readable by every role
    "subscriptions": ("SELECT s.subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid "
                      "WHERE d.datname = current_database()"),
    "foreign servers": "SELECT s.srvname FROM pg_foreign_server s",
}


OUTSIDE_TYPES = ("columns of a type of a schema outside what was pulled (schema_filter): the baseline names the "
                 "type and needs it wherever it runs")

# What a table's columns (and an index's: statistics targets) hold that mizzle does not model: kind → (the name,
# when the column holds it, and a test on the column's plain fields that every such column passes), each a
# `… on schema.table` line. Speed: one pass over the scope's columns for all of them, on the plain fields first
# (five scans of pg_attribute were half of the listing's time on 1,000 tables; one pass evaluating every kind on
# every column was no faster: 270 → 175 ms of server time with the plain tests first).
COLUMN_KINDS: dict[str, tuple[str, str, str]] = {
    # a table's or composite type's column (once, where it is declared) of a domain, enum, composite or other type,
    # or an array of one, of a schema outside the scope and no extension's: what was pulled names the type and does
    # not make it, so the baseline needs it wherever it runs (AdventureWorks' person tables, pulled with `schema_filter = ["person"]`,
    # use the public domains "Name" and "Phone"; the baseline failed in a new database with `type "Name" does not
    # exist`, and pull said nothing)
    OUTSIDE_TYPES: (
        "a.attname || ' (' || (SELECT quote_ident(bn.nspname) || '.' || quote_ident(b.typname) FROM pg_type b "
        "JOIN pg_namespace bn ON bn.oid = b.typnamespace WHERE b.oid = " + _ELEMENT + ") || ')'",
        "c.relkind IN ('r', 'p', 'c') AND a.attinhcount = 0 AND EXISTS (SELECT 1 FROM pg_type b "
        "JOIN pg_namespace bn ON bn.oid = b.typnamespace WHERE b.oid = " + _ELEMENT + " AND b.typnamespace <> ALL(%(ns)s) AND bn.nspname NOT IN ('pg_catalog', "
        "'information_schema') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass "
        "AND d.objid = b.oid AND d.deptype IN ('e', 'i')))",
        "t.oid >= 16384"),
    "column statistics targets (SET STATISTICS)": (
        "a.attname || ' ' || a.attstattarget", "a.attstattarget >= 0", "a.attstattarget >= 0"),
    # a child's own DEFAULT on a column it inherits (ALTER TABLE ONLY child ALTER COLUMN … SET DEFAULT), or none
    # where the parent has one (GitLab's ci_stages, attached as a partition of p_ci_stages, which was given a default
    # with ALTER TABLE ONLY): the model has the column once, the parent's, with the parent's default
    "defaults set on an inherited column": (
        "a.attname || ' ' || coalesce((SELECT pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attrdef ad WHERE "
        "ad.adrelid = a.attrelid AND ad.adnum = a.attnum), '(no default)')",
        "NOT a.attislocal AND a.attinhcount > 0 AND (SELECT pg_get_expr(ad.adbin, ad.adrelid) "
        "FROM pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) IS DISTINCT FROM (SELECT "
        "pg_get_expr(pd.adbin, pd.adrelid) FROM pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent "
        "AND pa.attname = a.attname LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum "
        "WHERE i.inhrelid = a.attrelid ORDER BY i.inhseqno LIMIT 1)",
        "NOT a.attislocal"),
    # a child's own NOT NULL on a column it inherits nullable (ALTER TABLE ONLY child … SET NOT NULL, a partition's
    # `(v WITH OPTIONS NOT NULL)`, or what a dropped primary key of the child's own leaves): the model has the column
    # once, the parent's; a key of the child's own (modelled) makes its columns NOT NULL, so those are not listed
    "NOT NULL set on an inherited column": (
        "a.attname",
        "NOT a.attislocal AND a.attinhcount > 0 AND a.attnotnull AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
        "WHERE k.conrelid = a.attrelid AND k.contype = 'p' AND a.attnum = ANY(k.conkey)) AND NOT EXISTS (SELECT 1 "
        "FROM pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname "
        "WHERE i.inhrelid = a.attrelid AND pa.attnotnull)",
        "NOT a.attislocal AND a.attnotnull"),
    # a child's own comment on a column it inherits (COMMENT ON COLUMN payment_p1.paid_at): PostgreSQL keeps it on
    # the child's column, the model has the column once, the parent's (its comment the parent's)
    "comments on an inherited column (COMMENT ON COLUMN)": (
        "a.attname",
        "EXISTS (SELECT 1 FROM pg_description d WHERE d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass "
        "AND d.objsubid = a.attnum)",
        "NOT a.attislocal AND c.relkind IN ('r', 'p')"),
    # a default a view's column takes when an INSERT through the view leaves it out: mizzle's views are their query
    "defaults set on a view's column (ALTER VIEW … SET DEFAULT)": (
        "a.attname || ' ' || (SELECT pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attrdef ad WHERE ad.adrelid = "
        "a.attrelid AND ad.adnum = a.attnum)",
        "c.relkind = 'v'", "a.atthasdef AND c.relkind = 'v'"),
    "column storage (SET STORAGE)": (
        "a.attname || ' ' || CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' "
        "ELSE 'extended' END",
        "c.relkind IN ('r', 'p', 'm')", "a.attstorage <> t.typstorage"),
    # a column's TOAST compression (SET COMPRESSION lz4 / pglz; PostgreSQL 14+): an openEHR schema's jsonb `data`
    "column compression (SET COMPRESSION)": (
        "a.attname || ' ' || CASE a.attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz' "
        "ELSE a.attcompression::text END",
        "c.relkind IN ('r', 'p', 'm')", "a.attcompression <> ''"),
    # the two options PostgreSQL defines for a column (an option a server add-on keeps there is not the schema's)
    "column options (SET (n_distinct …))": (
        "a.attname || ' (' || array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%%'),"
        " ', ') || ')'",
        "c.relkind IN ('r', 'p', 'm') AND EXISTS (SELECT 1 FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%%')",
        "array_to_string(a.attoptions, ',') LIKE '%%n\\_distinct%%'"),
    # a column's privilege granted to its table's owner (supabase/postgres-meta's `GRANT UPDATE (name) … TO postgres`)
    "privileges of an object's owner (GRANT / REVOKE to the owner)": (
        "a.attname", "EXISTS (SELECT 1 FROM aclexplode(a.attacl) x WHERE x.grantee = c.relowner)",
        "a.attacl IS NOT NULL"),
}


# ALTER … OWNER TO (apgdiff's alter_sequence_owner / alter_view_owner): mizzle models no owners and creates every
# object as the role it connects as, so a rebuild gives them all to the migrating role. One kind per owning role
# other than current_user (nothing in the common case: the connecting role owns everything); a sequence owned by a
# column (serial, identity) follows its table, an extension's objects the extension, and schema public its default
# owner (pg_database_owner since PostgreSQL 15, the bootstrap superuser before)
OWNERS_KIND = ("objects owned by role {role} (mizzle creates objects as the role it connects as: ALTER … OWNER TO "
               "in a migration of your own)")
_OWNED = (
    "SELECT c.relowner, n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relnamespace = ANY(%(ns)s) AND NOT EXISTS (SELECT 1 "
    "FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = "
    "'pg_class'::regclass AND d.deptype = 'a' AND c.relkind = 'S') AND " + _NOT_EXT.format(cat="pg_class", oid="c.oid")
    + " UNION ALL SELECT p.proowner, n.nspname || '.' || p.proname || '(' || "
    "pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.pronamespace = ANY(%(ns)s) AND " + _NOT_EXT.format(cat="pg_proc", oid="p.oid")
    + " UNION ALL SELECT t.typowner, n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n "
    "ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'c', 'r') AND t.typnamespace = ANY(%(ns)s) AND "
    "(t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND "
    + _NOT_EXT.format(cat="pg_type", oid="t.oid")
    + " UNION ALL SELECT n.nspowner, 'schema ' || n.nspname FROM pg_namespace n WHERE n.oid = ANY(%(ns)s) "
    "AND NOT (n.nspname = 'public' AND (n.nspowner = 10 OR pg_get_userbyid(n.nspowner) = 'pg_database_owner'))")


def _owners() -> str:
    """Rows (kind, name) of the objects in scope owned by another role than the connecting one, a kind per role."""
    kind = _literal(OWNERS_KIND).replace("{role}", "' || quote_ident(pg_get_userbyid(o.owner)) || '")
    return (f"SELECT {kind} AS kind, o.name FROM ({_OWNED}) AS o(owner, name) "
            "WHERE o.owner <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)")


# the column kinds a server older than a version has no catalogue column for
_COLUMN_KINDS_SINCE = {"column compression (SET COMPRESSION)": 140000}


def query(version: int = 150000) -> str:
    """One query over every kind (those a server of `version` can hold): rows of (kind, name), sorted."""
    parts = [f"SELECT {_literal(kind)} AS kind, name FROM ({sql}) AS k(name)" for kind, sql in KINDS.items()]
    parts.append(_owners())
    kinds = {k: v for k, v in COLUMN_KINDS.items() if version >= _COLUMN_KINDS_SINCE.get(k, 0)}
    values = ", ".join(f"({_literal(kind)}, CASE WHEN ({held}) AND {when} THEN {name} END)"
                       for kind, (name, when, held) in kinds.items())
    held = " OR ".join(f"({held})" for _, _, held in kinds.values())
    parts.append(f"SELECT x.kind, x.name || ' on ' || n.nspname || '.' || c.relname FROM (SELECT a.* "
                 "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
                 "WHERE c.relnamespace = ANY(%(ns)s) AND a.attnum > 0 AND NOT a.attisdropped "
                 f"AND ({held}) OFFSET 0) a "  # OFFSET 0: the plain tests before the kinds' expressions
                 "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "JOIN pg_type t ON t.oid = a.atttypid "
                 f"CROSS JOIN LATERAL (VALUES {values}) AS x(kind, name) WHERE x.name IS NOT NULL")
    return "\n UNION ALL ".join(parts) + "\nORDER BY 1, 2"


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def unmanaged(conn: Any, ns_oids: list[int]) -> dict[str, list[str]]:
    """kind → the names of the objects of that kind in the namespaces `ns_oids` (and database-wide)."""
    return found_of(conn.execute(query(conn.info.server_version), {"ns": ns_oids}).fetchall())


def found_of(rows: list[Any]) -> dict[str, list[str]]:
    """`query()`'s rows (kind, name) by kind."""
    found: dict[str, list[str]] = {}
    for kind, name in rows:
        if kind == PARTITION_INDEX_NAMES:
            name = _renamed_partition_index(name)
            if name is None:
                continue
        found.setdefault(kind, []).append(name)
    return found


def _renamed_partition_index(row: str) -> str | None:
    """The row's name (`idx on schema.partition`) where the index is not named as PostgreSQL names a partition's
    copy of an index: makeObjectName's cut of the partition's name and the columns' (lago's
    `events_default_organization_id_external_subscription_id_cod_idx`, over 63 bytes, read as renamed), with a
    number after the label where the name was taken (`…_idx1`)."""
    from ...schema.naming import column_addition, make_object_name

    shown, index, partition, columns, label = row.split(chr(1))
    addition = column_addition(tuple(columns.split("_"))) if columns else None
    given = {make_object_name(partition, addition, label + (str(k) if k else "")) for k in range(10)}
    return None if index in given else shown


def describe(found: dict[str, list[str]], limit: int = 20) -> list[str]:
    """One line per kind: `not managed by mizzle (kept as they are): 2 views: public.a, public.b`."""
    lines = []
    for kind, names in found.items():
        shown = ", ".join(names[:limit]) + (f", … ({len(names) - limit} more)" if len(names) > limit else "")
        lines.append(f"not managed by mizzle (left as they are): {len(names)} {kind}: {shown}")
    return lines
