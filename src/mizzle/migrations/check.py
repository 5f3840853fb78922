"""The offline integrity check of a migrations folder (`mizzle check`): journal ↔ SQL files ↔ snapshots,
the snapshots' id/prevId chain, duplicates, parse errors, stray files. Reads files only; no database."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import dialects
from ..errors import IntegrityError, malformed_snapshot
from . import bundle, folders1
from .folder import (
    BREAKPOINT,
    JOURNAL_VERSION,
    NO_TRANSACTION,
    ROOT_ID,
    JournalEntry,
    MigrationFolder,
    claimed_snapshot_names,
    directives,
    dump_json,
    has_conflict_markers,
    pulled_advice,
    pulled_commented_out,
    read_sql_text,
    rebased_whens,
    split_statements,
    write_atomic,
    write_bundle,
)
from .metafiles import (
    JOURNAL,
    SIDECAR,
    MetaFileError,
    git_show,
    journal_doc,
    load_json_or_none,
    parse_json,
    read_sidecar,
    read_text,
)

ERROR = "error"
WARNING = "warning"
KNOWN_DIRECTIVES = {"no-transaction", "commit", "lint-ignore", "idempotent", "online"}
_SNAPSHOT_NAME = re.compile(r"^(\d{4})_snapshot\.json$")


def _entry(e: dict[str, Any]) -> JournalEntry:
    return JournalEntry(idx=e["idx"], version=str(e.get("version", "")), when=e.get("when", 0)
                        if isinstance(e.get("when"), int) else 0, tag=e["tag"])


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning
    path: str  # relative to the folder
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.path}: {self.message}"


@dataclass
class CheckReport:
    folder: Path
    migrations: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "ok": self.ok, "migrations": self.migrations,
                "errors": [f.__dict__ for f in self.errors], "warnings": [f.__dict__ for f in self.warnings]}


def check_folder(folder: str | Path, dialect: str | None = None, parse_sql: bool = True) -> CheckReport:
    """Every problem found in the folder, errors and warnings. Never raises for a problem in the folder."""
    checker = _Checker(Path(folder), dialect, parse_sql)
    checker.run()
    return checker.report


class _Checker:
    def __init__(self, folder: Path, dialect: str | None, parse_sql: bool) -> None:
        self.folder = folder
        self.dialect = dialect
        self.parse_sql = parse_sql
        self.report = CheckReport(folder=folder)
        self.statements: dict[Path, list[Any]] = {}  # each SQL file's statements, split once (_check_sql_text)
        self.foreign = False  # the folder is another dialect's than the configuration's: its SQL is not parsed

    def add(self, level: str, path: str | Path, message: str) -> None:
        rel = os.path.relpath(path, self.folder) if isinstance(path, Path) else path
        self.report.findings.append(Finding(level, str(rel), message))

    def run(self) -> None:
        if not self.folder.is_dir():
            self.add(ERROR, ".", f"migrations folder {self.folder} does not exist")
            return
        mf = MigrationFolder(self.folder, dialect=self.dialect or dialects.DEFAULT)
        if mf.uses_folders:
            self._check_folder_layout(mf)
            return
        journal = self._load_journal(mf)
        if journal is None:
            return
        entries = journal.get("entries", [])
        self.report.migrations = len(entries)
        tags = self._check_entries(mf, journal, entries)
        self._check_sql(mf, tags)
        self._check_snapshots(mf, entries)
        self._check_stray(mf, entries, len(entries))

    # -- journal ---------------------------------------------------------------------------------------

    def _load_journal(self, mf: MigrationFolder) -> dict[str, Any] | None:
        jp = mf.journal_path
        if not jp.exists():
            sql = sorted(p.name for p in self.folder.glob("*.sql"))
            if sql:
                self.add(ERROR, jp, f"missing, but the folder has {len(sql)} SQL file(s) ({sql[0]}, …); restore "
                                    "meta/_journal.json from version control")
            return None
        try:
            text = read_text(jp)
            if has_conflict_markers(text):
                self.add(ERROR, jp, "git conflict markers (<<<<<<< … >>>>>>>): a branch-merge collision, two branches "
                                    "added migrations; run `mizzle rebase`, which reads both sides and renumbers the "
                                    "incoming ones")
                return None
            data = journal_doc(jp, parse_json(jp, text))
        except MetaFileError as e:
            self.add(ERROR, jp, e.problem + (" (a merge conflict? resolve it, keeping every entry, then run `mizzle "
                                             "rebase` if two branches added migrations)" if e.malformed_json else ""))
            return None
        jd = data.get("dialect")
        if jd:
            self._check_journal_dialect(mf, str(jd))
        return data

    def _check_journal_dialect(self, mf: MigrationFolder, jd: str) -> None:
        """The journal's `dialect` against the configuration's; without one, the folder says which dialect its SQL
        is in. The snapshots outrank the journal (MigrationFolder.snapshots_dialect): drizzle-kit never reads the
        journal's field after writing it, so a stale one is a warning where the snapshots back the configuration."""
        said = dialects.canonical(jd)
        if self.dialect == said:
            return
        snaps, configured = mf.snapshots_dialect(), self.dialect is not None
        if self.dialect and snaps != self.dialect:
            self.add(ERROR, mf.journal_path, f"journal dialect is {jd!r} but the configuration says {self.dialect!r}")
            self.foreign = True  # one error, not one a statement: the configured dialect's parser would refuse each
            return
        if not self.dialect:  # no configuration: the folder says which dialect its SQL is in
            self.dialect = snaps or said
            if self.dialect == said:
                return
        self.add(WARNING, mf.journal_path,
                 f"journal dialect is {jd!r}, but its snapshots{' and the configuration' if configured else ''} say "
                 f"{self.dialect!r}: drizzle-kit writes this field when it makes the journal and never reads it again "
                 "(nor does drizzle-orm's migrator), so mizzle goes by the snapshots too; set it to "
                 f"{self.dialect!r} to silence this")

    def _check_entries(self, mf: MigrationFolder, journal: dict[str, Any], entries: list[Any]) -> list[str]:
        jp = mf.journal_path
        tags: list[str] = []
        seen_tag: dict[str, int] = {}
        seen_when: dict[int, str] = {}
        seen_idx: dict[int, str] = {}
        order: list[tuple[str, int]] = []
        prev_idx = -1
        rebased = rebased_whens(self._sidecar(mf))
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not all(k in e for k in ("idx", "when", "tag")):
                self.add(ERROR, jp, f"entry {i} is malformed (needs idx, when, tag): {json.dumps(e)[:100]}")
                continue
            tag, when, idx = e["tag"], e["when"], e["idx"]
            if not isinstance(tag, str) or not isinstance(when, int) or not isinstance(idx, int):
                self.add(ERROR, jp, f"entry {i} has a wrong type (idx and when are integers, tag a string)")
                continue
            tags.append(tag)
            if tag in seen_tag:
                self.add(ERROR, jp, f"duplicate tag {tag!r} (entries {seen_tag[tag]} and {i})")
            seen_tag.setdefault(tag, i)
            if idx in seen_idx:
                self.add(ERROR, jp, f"duplicate idx {idx} ({seen_idx[idx]} and {tag}); after a branch merge, "
                                    "run `mizzle rebase`")
            elif idx != prev_idx + 1:
                # one finding per gap (or jump back), not one per later entry: drizzle-kit numbers the next
                # migration from the last entry's idx and never looks at the others
                self.add(WARNING, jp, f"idx jumps from {prev_idx} to {idx} at entry {i} ({tag}); harmless to "
                                      "drizzle-kit and mizzle (a migration's identity is its `when`)")
            seen_idx.setdefault(idx, tag)
            prev_idx = idx
            if when in seen_when:
                self.add(ERROR, jp, f"duplicate `when` {when} ({seen_when[when]} and {tag}): `when` is a "
                                    "migration's identity in the tracking table")
            else:
                order.append((tag, when))
            seen_when.setdefault(when, tag)
        self._check_order(jp, order, rebased)
        return tags

    def _check_order(self, jp: Path, order: list[tuple[str, int]], rebased: set[int]) -> None:
        """`when`s out of order, one finding for each entry whose `when` is later than that of several entries
        after it (a hand-set far-future `when`: dligthart/wordclaw's 0004), naming them; else the one entry older
        than the one before it. `rebased`: `when`s `mizzle rebase` kept on purpose."""
        top: tuple[str, int] | None = None
        below: dict[tuple[str, int], list[tuple[str, int]]] = {}  # the latest `when` so far → the entries under it
        for tag, when in order:
            if top is not None and when < top[1] and when not in rebased:
                below.setdefault(top, []).append((tag, when))
            if top is None or when > top[1]:
                top = (tag, when)
        for (tag, when), later in below.items():
            if len(later) == 1:
                self.add(WARNING, jp, f"{later[0][0]}'s `when` ({later[0][1]}) is older than the previous "
                                      "entry's; databases that applied the later one see it as out of order "
                                      "(drizzle-orm skips it)")
                continue
            self.add(WARNING, jp, f"{tag}'s `when` ({when}) is later than that of the {len(later)} entries after it "
                                  f"({later[0][0]} … {later[-1][0]}): databases that applied {tag} before them see "
                                  "them as out of order (drizzle-orm skips them)")

    def _sidecar(self, mf: MigrationFolder) -> dict[str, Any]:
        return read_sidecar(mf.sidecar_path, strict=False)  # a broken sidecar is reported with the other meta/ files

    # -- SQL -------------------------------------------------------------------------------------------

    def _check_sql(self, mf: MigrationFolder, tags: list[str]) -> None:
        parse = _pg_parser() if self.parse_sql and _lints(self.dialect) and not self.foreign else None
        for tag in tags:
            p = self.folder / f"{tag}.sql"
            if not p.is_file():
                self.add(ERROR, p, f"listed in the journal ({tag}) but missing; restore it from version control")
                continue
            self._check_sql_text(p, read_sql_text(p), parse)

    def _check_sql_text(self, p: Path, text: str, parse: Any) -> None:
        if "\ufffd" in text:
            self.add(WARNING, p, "not valid UTF-8 (replaced characters); drizzle-orm and mizzle hash it the same, "
                                 "but the SQL may not be what was meant")
        for name in directives(text):
            if name not in KNOWN_DIRECTIVES:
                self.add(WARNING, p, f"unknown directive `-- mizzle:{name}` (known: "
                                     f"{', '.join(sorted(KNOWN_DIRECTIVES))})")
        if NO_TRANSACTION in text:
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
            if NO_TRANSACTION not in first:
                self.add(ERROR, p, f"`-- {NO_TRANSACTION}` must be the first line of the file to take effect")
        statements = self.statements[p] = split_statements(text)
        if not self._check_chunks(p, text) and not statements:
            self.add(WARNING, p, "has no statements")
        d = dialects.find(self.dialect or dialects.DEFAULT)
        for st in statements:
            why = d.foreign_statement(st.sql) if d is not None else None
            if why:  # the folder may be right for its own database: drizzle-orm's libSQL migrator runs it
                self.add(WARNING, p, f"statement {st.number}: {why}; `mizzle migrate` will fail on it")
        if pulled_commented_out(text):
            self.add(ERROR, p, pulled_advice(p.stem))
            return
        if parse is None:
            return
        for st in statements:
            err = parse(st.sql)
            if err:
                self.add(ERROR, p, f"statement {st.number} does not parse: {err}")

    def _check_chunks(self, p: Path, text: str) -> bool:
        """A chunk drizzle-orm's migrator cannot run as one statement (Dialect.chunk_statements): several, or none
        (True: such an empty chunk was named)."""
        d = dialects.find(self.dialect or dialects.DEFAULT)
        if d is None:
            return False
        chunks = text.split(BREAKPOINT)
        empty = False
        for n, chunk in enumerate(chunks, 1):
            count = d.chunk_statements(chunk)
            if count == 0:
                where = "holds" if len(chunks) == 1 else f"chunk {n} holds"
                fix = ("Write its statements" if len(chunks) == 1
                       else f"Remove the chunk and the `{BREAKPOINT}` before it, or give it a statement")
                self.add(WARNING, p, f"{where} no statement (only comments or blanks): drizzle-orm's migrator runs "
                                     f"each chunk as a statement, which {d.title}'s drivers refuse (better-sqlite3: "
                                     "\"The supplied SQL string contains no statements\"); mizzle skips it. " + fix)
                empty = True
            elif count > 1:
                self.add(WARNING, p, f"chunk {n} holds {count} statements with no `{BREAKPOINT}` between them: "
                                     "drizzle-orm's migrator runs each chunk as one statement, which "
                                     f"{d.title}'s drivers refuse (better-sqlite3: \"The supplied SQL string contains "
                                     "more than one statement\"); mizzle runs them one by one. Put a breakpoint "
                                     "after each statement")
        return empty

    # -- snapshots -------------------------------------------------------------------------------------

    def _check_snapshots(self, mf: MigrationFolder, entries: list[Any]) -> None:
        snaps = self._read_snapshots(mf, entries)
        self._check_latest_readable(mf, snaps)
        self._check_copies(entries, snaps)
        self._check_ids(snaps)
        self._check_chain(snaps)
        self._check_chain_order(snaps, [e for e in entries if isinstance(e, dict) and isinstance(e.get("idx"), int)
                                        and isinstance(e.get("tag"), str)])

    def _check_latest_readable(self, mf: MigrationFolder, snaps: list[tuple[int, str, dict[str, Any] | None]]) -> None:
        """The latest snapshot, read as `generate` reads it (the dialect's model): one it cannot read is an error here,
        offline, before generate or drizzle-kit stops on it. The earlier ones are read by verify, step by step."""
        _, path, doc = snaps[-1] if snaps else (0, "", None)
        if doc is None:
            return  # missing or unusable: reported already
        from .snapshots import schema_from_snapshot

        try:
            schema_from_snapshot(doc, self._sidecar(mf), source=path)
            return
        except IntegrityError as e:
            problem = e.message.removeprefix(f"{path}: ")
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            problem = malformed_snapshot(e)
        self.add(ERROR, Path(path), f"{problem}: `mizzle generate` reads this latest snapshot; restore it from version "
                 "control, or rebuild it from the SQL (`mizzle check --rebuild-snapshots`)")

    def _check_copies(self, entries: list[Any], snaps: list[tuple[int, str, dict[str, Any] | None]]) -> None:
        """A file copying rows from columns its table lacks in the snapshot before it (Dialect.copy_gaps): a warning
        per statement — the snapshot may lag the database (SQL edited by hand), so not an error."""
        d = dialects.find(self.dialect or dialects.DEFAULT)
        valid = [e for e in entries if isinstance(e, dict) and isinstance(e.get("idx"), int)
                 and isinstance(e.get("tag"), str)]
        docs = {i: doc for i, _, doc in snaps}
        for i, e in enumerate(valid):
            statements = self.statements.get(self.folder / f"{e['tag']}.sql")  # a missing file: reported already
            if d is None or i == 0 or docs.get(i - 1) is None or statements is None:
                continue
            p = self.folder / f"{e['tag']}.sql"
            for k, why in d.copy_gaps([st.sql for st in statements], docs[i - 1]):
                self.add(WARNING, p, f"statement {statements[k].number}: {why}")

    def _read_snapshots(self, mf: MigrationFolder, entries: list[Any]) -> list[tuple[int, str, dict[str, Any] | None]]:
        """Each journal entry's snapshot: (entry number, path, the document or None when missing or unusable)."""
        snaps: list[tuple[int, str, dict[str, Any] | None]] = []
        read: set[int] = set()
        valid = [e for e in entries if isinstance(e, dict) and isinstance(e.get("idx"), int)
                 and isinstance(e.get("tag"), str)]
        # drizzle-kit's `prefix: "none"` keeps one snapshot, the latest (meta/_snapshot.json): the others are
        # not missing
        only_latest = bool(valid) and all(e["tag"].startswith("_") for e in valid)
        claimed = claimed_snapshot_names(e["tag"] for e in valid)
        owner: dict[Path, str] = {}
        for i, e in enumerate(valid):
            if e["idx"] in read:
                continue  # a duplicate idx is reported with the journal
            read.add(e["idx"])
            last = i == len(valid) - 1
            p = mf.entry_snapshot_path(_entry(e), last=last, claimed=claimed)
            if p in owner:  # two tags with one prefix: drizzle-kit wrote the second entry's snapshot over the first's
                self.add(ERROR, p, f"is the snapshot of both {owner[p]} and {e['tag']} (two tags with one number, and "
                                   "drizzle-kit names a snapshot after it): one file holds one of them; renumber one "
                                   "migration (its tag, .sql file and snapshot)")
                snaps.append((i, str(p), None))
                continue
            owner[p] = e["tag"]
            if not p.exists():
                self._missing_snapshot(p, e, last, only_latest)
                snaps.append((i, str(p), None))
            else:
                snaps.append((i, str(p), self._snapshot_doc(p)))
        return snaps

    def _missing_snapshot(self, p: Path, e: dict[str, Any], last: bool, only_latest: bool) -> None:
        if last:
            self.add(ERROR, p, f"snapshot of {e.get('tag')} is missing, and it is the latest: `mizzle "
                               "generate` diffs against it (`mizzle check --rebuild-snapshots` rebuilds "
                               "it from the SQL)")
        elif not only_latest:
            self.add(WARNING, p, f"snapshot of {e.get('tag')} is missing (drizzle-kit and generate diff "
                                 "against the latest only; `verify` cannot compare this step; `mizzle check "
                                 "--rebuild-snapshots` rebuilds it from the SQL)")

    def _snapshot_doc(self, p: Path) -> dict[str, Any] | None:
        """The snapshot at `p`; None (with the finding) when it cannot be used."""
        try:
            text = read_text(p)
            if has_conflict_markers(text):
                self.add(ERROR, p, "git conflict markers: two branches wrote this snapshot (a branch-merge "
                                   "collision); run `mizzle rebase`, which reads both sides")
                return None
            data = parse_json(p, text)
        except MetaFileError as ex:
            self.add(ERROR, p, ex.problem)
            return None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            self.add(ERROR, p, "not a drizzle-kit snapshot (no `id`)")
            return None
        return data

    def _check_ids(self, snaps: list[tuple[int, str, dict[str, Any] | None]]) -> None:
        by_id: dict[str, str] = {}
        for _i, path, data in snaps:
            if data is None:
                continue
            name = os.path.relpath(path, self.folder)
            if data["id"] in by_id:
                self.add(ERROR, name, f"has the same id as {by_id[data['id']]} ({data['id']}); one was copied by hand")
            by_id.setdefault(data["id"], name)

    def _check_chain(self, snaps: list[tuple[int, str, dict[str, Any] | None]]) -> None:
        """The chain is a graph, as drizzle-kit (which never reads prevId to order snapshots) leaves it: a link
        is broken when a snapshot's parent is no snapshot of the folder, or when two snapshots share a parent
        (two branches generated from the same one). Each is a warning: drizzle-kit and `generate` (which
        reads the latest snapshot) work on; `mizzle rebase` re-chains. A chain that runs in another order than
        the journal's is `_check_chain_order`'s."""
        ids = {data["id"] for _i, _p, data in snaps if data is not None}
        children: dict[str, str] = {}  # parent id → the first snapshot that names it
        last_present = next((os.path.relpath(path, self.folder) for _i, path, data in reversed(snaps)
                             if data is not None), None)
        prev: tuple[str, str] | None = None  # the previous entry's snapshot (name, id); None when unreadable
        first = True
        for _i, path, data in snaps:
            name = os.path.relpath(path, self.folder)
            if data is None:
                prev, first = None, False
                continue
            sid, parent = data["id"], data.get("prevId")
            pulled = first and sid == ROOT_ID and parent == ""  # `drizzle-kit pull`'s baseline
            sibling = children.get(str(parent))
            if pulled:
                pass
            elif sibling is not None:
                self._shared_parent(name, str(parent), sibling, latest=name == last_present)
            elif parent not in ids and not (parent == ROOT_ID and first) and (prev is not None or first):
                was = f"the previous snapshot's id {prev[1]}" if prev is not None else f"{ROOT_ID} (the first)"
                self.add(WARNING, name, f"prevId {parent} is no snapshot's id (expected {was}): a broken chain "
                                        "after a merge or a hand-made migration; drizzle-kit tolerates it, "
                                        "`mizzle rebase` re-chains")
            children.setdefault(str(parent), name)
            prev, first = (name, sid), False

    def _check_chain_order(self, snaps: list[tuple[int, str, dict[str, Any] | None]],
                           entries: list[dict[str, Any]]) -> None:
        """A snapshot whose parent is a later migration's: the snapshots hold other migrations' schemas than
        their names say (inkeep/agents' 0022 → 0025 → 0024 → 0026: the file 0025 holds 0023's schema), so `verify`,
        `revert` and a later rebuild read the wrong schema at those steps. An error, once per run of such links,
        at its last snapshot (whose child, if any, links forward again). A chain that follows the `when`s where
        the journal does not (kan's 20260225… listed before 20260224…) is the journal's order, reported with it."""
        present = [(i, os.path.relpath(path, self.folder), data) for i, path, data in snaps if data is not None]
        at = {data["id"]: (i, name) for i, name, data in reversed(present)}  # id → (entry, snapshot); first wins
        parent = {name: at.get(str(data.get("prevId"))) for _i, name, data in present}
        child: dict[str, tuple[int, str]] = {}
        for i, name, _data in present:
            p = parent[name]
            if p is not None:
                child.setdefault(p[1], (i, name))
        when = [e["when"] if isinstance(e.get("when"), int) else 0 for e in entries]
        backward = {name for i, name, _data in present
                    if (p := parent[name]) is not None and p[0] > i and when[p[0]] >= when[i]}
        for i, name, data in present:
            nxt = child.get(name)
            if name not in backward or (nxt is not None and nxt[1] in backward):
                continue
            run = [(i, name)]
            while (up := parent[run[0][1]]) is not None and up[0] > i and up not in run:
                run.insert(0, up)
            self.add(ERROR, name, _out_of_order(run, up, nxt, [e["tag"] for e in entries], str(data.get("prevId"))))

    def _shared_parent(self, name: str, parent: str, sibling: str, latest: bool) -> None:
        if latest:
            # the latest snapshot lacks the other branch's changes: the next generate (drizzle-kit's or
            # mizzle's) would write them again
            self.add(ERROR, name, f"branch-merge collision: prevId {parent} is also the parent of {sibling}; "
                                  "two branches each generated a migration from the same snapshot, and this "
                                  "latest snapshot lacks the other branch's changes (the next generate would "
                                  "repeat them). Run `mizzle rebase` to renumber the incoming one and "
                                  "re-chain")
        else:
            self.add(WARNING, name, f"prevId {parent} is also the parent of {sibling}: two branches each "
                                    "generated a migration from the same snapshot (a branch merge, in the "
                                    "past: later snapshots follow, and generate diffs against the latest). "
                                    "drizzle-kit tolerates it; `mizzle rebase` re-chains")

    # -- stray files -----------------------------------------------------------------------------------

    def _check_stray(self, mf: MigrationFolder, entries: list[Any], n_entries: int) -> None:
        valid = [e for e in entries if isinstance(e, dict) and isinstance(e.get("idx"), int)
                 and isinstance(e.get("tag"), str)]
        tags = [e["tag"] for e in valid]
        listed = {f"{t}.sql" for t in tags}
        snapshot_names = {mf.entry_snapshot_path(_entry(e), last=i == len(valid) - 1).name
                          for i, e in enumerate(valid)}
        for name in sorted(os.listdir(self.folder)):
            p = self.folder / name
            if name == "meta" or name.startswith("."):
                continue
            if name.endswith(".sql") and name not in listed:
                self.add(ERROR, p, "journal out of sync with files: not in meta/_journal.json, so neither mizzle "
                                   "nor drizzle-orm will ever run it. If it belongs to the history, restore its "
                                   f"journal entry{_FIX_ADDS}; if it is a branch leftover, delete it or move it out of "
                                   "the folder")
            elif name == bundle.BUNDLE:
                self._check_bundle(p, tags)
            elif p.is_dir():
                self.add(WARNING, p, _stray_directory(p))
            elif name not in listed:
                self.add(WARNING, p, "stray file in the migrations folder")
        if not mf.meta.is_dir():
            return
        for name in sorted(os.listdir(mf.meta)):
            p = mf.meta / name
            if name in snapshot_names:
                continue
            if name.startswith("_") or name.startswith("."):
                if name not in (JOURNAL, SIDECAR) and not name.startswith("."):
                    self.add(WARNING, p, "unknown file in meta/")
                continue
            m = _SNAPSHOT_NAME.match(name)
            if m and int(m.group(1)) >= n_entries:
                self.add(ERROR, p, "snapshot with no journal entry (a leftover of a dropped migration, or a "
                                   "merge that lost the entry)")
            elif not m:
                extra = load_json_or_none(p) if name.endswith(".json") else None
                if isinstance(extra, dict) and "id" in extra and "prevId" in extra:
                    self.add(WARNING, p, "a snapshot under another name (the incoming branch's, kept by a merge?): "
                                         "`mizzle rebase` folds it into the chain")
                else:
                    self.add(WARNING, p, "stray file in meta/")

    def _check_bundle(self, path: Path, tags: list[str]) -> None:
        """drizzle-kit's migrations.js (Expo, Durable Objects) is no stray file, but the app runs only what it
        imports: a journaled migration it lacks never reaches that app."""
        gap = bundle.out_of_step(self.folder, tags)
        if gap is None:
            return
        missing, extra = gap
        said = ([f"does not import {', '.join(t + '.sql' for t in missing)}, so an app that bundles its "
                 "migrations through it never runs them"] if missing else []) + \
            ([f"imports {', '.join(t + '.sql' for t in extra)}, which the journal does not list"] if extra else [])
        self.add(WARNING, path, f"drizzle-kit's bundle of the migrations (Expo, Durable Objects) {'; '.join(said)}. "
                                "`mizzle check --fix` rewrites it from the journal")

    # -- newer layout ----------------------------------------------------------------------------------

    def _check_folder_layout(self, mf: MigrationFolder) -> None:
        parse = _pg_parser() if self.parse_sql and _lints(self.dialect) else None
        dirs = sorted(p for p in self.folder.iterdir() if p.is_dir())
        self.report.migrations = sum(1 for d in dirs if (d / "migration.sql").is_file())
        migrations = [d for d in dirs if (d / "migration.sql").is_file()]
        older = folders1.older_versions(self.folder)
        for d in dirs:
            sql = d / "migration.sql"
            if not sql.is_file():
                if d.name != "meta":  # meta/ holds mizzle's sidecar only
                    self.add(WARNING, d, "folder without migration.sql")
                elif folders1.is_prisma(self.folder):
                    self.add(WARNING, d, "meta/ in a Prisma folder: Prisma Migrate takes it for a migration and "
                                         "stops (P3015, no migration.sql); move meta/_mizzle.json to _mizzle.json "
                                         "beside the migrations, where mizzle keeps it in a Prisma folder")
                continue
            self._check_sql_text(sql, read_sql_text(sql), parse)
            if not (d / "snapshot.json").is_file():
                self._missing_snapshot1(d / "snapshot.json", d.name, d == migrations[-1], older)
        self._check_loose_files()
        self._check_graph()

    def _missing_snapshot1(self, p: Path, tag: str, last: bool, older: list[str]) -> None:
        """A migration folder without snapshot.json, with what rebuilding it takes in this layout: the snapshots
        after it deleted too (`check --rebuild-snapshots` rebuilds the latest ones only), and `mizzle up` first
        when the others are an older 1.x version's (no snapshot is written after those: the rebuild stops on them
        and asks for `up`)."""
        steps = [] if last else ["delete the snapshot.json of every later migration (in this layout `mizzle check "
                                 "--rebuild-snapshots` rebuilds the latest snapshots only)"]
        if older:
            steps.append(f"run `mizzle up`, which converts the snapshots an older drizzle-kit 1.x version wrote "
                         f"({older[0]}'s the first; `check --rebuild-snapshots` writes no snapshot after them)")
        steps.append("run `mizzle check --rebuild-snapshots`, which rebuilds it from the SQL")
        how = "; ".join(f"{i + 1}. {s}" for i, s in enumerate(steps)) if len(steps) > 1 else steps[0]
        if last:
            self.add(ERROR, p, f"snapshot of {tag} is missing, and it is the latest: `mizzle generate` diffs against "
                               f"it (to rebuild it: {how})")
        else:
            self.add(WARNING, p, f"snapshot of {tag} is missing (`verify` cannot compare this step; to rebuild it: "
                                 f"{how})")

    def _check_loose_files(self) -> None:
        """Files beside the migration folders: drizzle-orm 1.x and mizzle read only `<name>/migration.sql`, so a
        loose .sql file (a journal-layout leftover `up` left in place: Mail-0/Zero's 0025_far_echo.sql) never
        runs. Prisma Migrate's `migration_lock.toml` is its folder's own file (the same layout), not a stray one."""
        for p in sorted(self.folder.iterdir()):
            if p.is_dir() or p.name.startswith(".") or p.name in (bundle.BUNDLE, folders1.PRISMA_LOCK):
                continue
            if p.name == SIDECAR and folders1.is_prisma(self.folder):
                continue  # mizzle's sidecar, out of meta/ in a Prisma folder (MigrationFolder.sidecar_path)
            if p.suffix == ".sql":
                self.add(WARNING, p, "loose .sql file in the migrations folder: it never runs (drizzle-orm 1.x and "
                                     "mizzle run only <name>/migration.sql folders). If it belongs to the history, "
                                     "move its SQL into a migration (`mizzle generate --custom`); if it is a branch "
                                     "leftover, delete it")
            else:
                self.add(WARNING, p, "stray file in the migrations folder")

    def _check_graph(self) -> None:
        """drizzle-kit 1.x's snapshot graph: parents, one base, and branches that commute (every pair of leaves)."""
        from . import branches1

        try:
            snapshots = folders1.load_snapshots(self.folder)
        except IntegrityError as e:
            self.add(ERROR, ".", str(e))
            return
        lost = [d.name for d in folders1.migration_dirs(self.folder) if not (d / folders1.SNAPSHOT).is_file()]
        for where, problem in branches1.graph_problems(snapshots, lost):
            self.add(ERROR, where, problem)
        for a, b, obj in branches1.conflicts(snapshots):
            self.add(ERROR, b, f"branches do not commute: {a} and {b} both change {obj} (merged from two branches); "
                               "move one branch's migration folder out and run `mizzle generate` to write its change again on top "
                               "of the other")


def _stray_directory(path: Path) -> str:
    """A directory beside the journal's files (the journal layout reads none): its .sql files, run by hand or by
    another tool, are never run by mizzle or drizzle-orm, which says so."""
    sql = sum(1 for _ in path.rglob("*.sql"))
    return "stray directory in the migrations folder" + (
        f": the {sql} .sql file(s) in it never run (mizzle and drizzle-orm run only the files meta/_journal.json "
        "lists, beside it)" if sql else "")


def _out_of_order(run: list[tuple[int, str]], before: tuple[int, str] | None, after: tuple[int, str] | None,
                  tags: list[str], parent: str) -> str:
    """The finding for snapshots chained against the journal's order: `run` the snapshots from the later one the
    chain goes back to through this one, `before` and `after` its neighbours in the chain."""
    chain = " → ".join(tags[i] for i, _name in ([before] if before else []) + run + ([after] if after else []))
    return (f"prevId {parent} is the id of {run[-2][1]}, a later migration's: the "
            f"snapshots chain as {chain}, not in the journal's order, so they hold other migrations' schemas than "
            "their names say (`verify` and `revert` read the wrong schema at those steps; drizzle-kit reads the "
            "latest only). Rebuild them from the SQL: `mizzle check --rebuild-snapshots --from "
            f"{tags[min(run)[0]]}` (renaming the files by hand needs knowing which migration each holds: a "
            "snapshot named after a later one may be an earlier one's, its own missing)")


# the advice for a file the journal does not list, and what `check --fix` says of one it left unlisted
_FIX_ADDS = " (`mizzle check --fix` adds it when its snapshot continues the chain)"
_FIX_STOPPED = " (`--fix` adds entries in order: it adds this one once the files before it are in the journal)"


# -- check --fix ---------------------------------------------------------------------------------------------


@dataclass
class FixReport:
    """What `check --fix` repaired, what it refused (with why), and the check of the folder afterwards."""

    folder: Path
    repairs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    after: CheckReport | None = None

    @property
    def ok(self) -> bool:
        return self.after is not None and self.after.ok

    def to_json(self) -> dict[str, Any]:
        return {**(self.after.to_json() if self.after else {"folder": str(self.folder), "ok": False}),
                "repairs": self.repairs, "refused": self.refused}


def fix_folder(folder: str | Path, dialect: str | None = None, parse_sql: bool = True) -> FixReport:
    """Repair what is unambiguous in the journal (`mizzle check --fix`), writing it atomically: entries out of idx
    order; an entry whose SQL file was renamed (one unlisted file with the same number); SQL files missing from the
    journal whose snapshot continues the chain (their `when` from git HEAD's journal when it has the entry). The
    rest is refused with the reason. SQL files and snapshots are never modified or deleted."""
    return _Fixer(Path(folder), dialect or dialects.DEFAULT).run(parse_sql)


class _Fixer:
    def __init__(self, folder: Path, dialect: str) -> None:
        self.folder = folder
        self.mf = MigrationFolder(folder, dialect)
        self.dialect = dialect
        self.report = FixReport(folder=folder)

    def run(self, parse_sql: bool) -> FixReport:
        mf, r = self.mf, self.report
        data = self._journal() if self.folder.is_dir() and not mf.uses_folders else None
        if data is not None:
            entries: list[dict[str, Any]] = data["entries"]
            changed = self._reorder(entries)
            changed = self._renamed_files(entries) or changed
            changed = self._missing_entries(entries) or changed
            changed = self._stale_dialect(data) or changed
            if changed:
                write_atomic(mf.journal_path, dump_json(data))
            if write_bundle(self.folder, [e for e in entries if isinstance(e, dict) and "tag" in e]):
                r.repairs.append(f"{bundle.BUNDLE} rewritten to import every migration the journal lists")
        elif self.folder.is_dir() and mf.uses_folders:
            r.refused.append("the one-folder-per-migration layout has no journal to repair")
        r.after = check_folder(self.folder, self.dialect, parse_sql)
        for f in r.after.errors:
            if not any(f.path in x for x in r.refused):
                # not the advice to run --fix, which just ran: it adds entries in order, and stopped before this one
                r.refused.append(f"{f.path}: {f.message.replace(_FIX_ADDS, _FIX_STOPPED)}")
        return r

    def _journal(self) -> dict[str, Any] | None:
        jp, r = self.mf.journal_path, self.report
        if not jp.exists() and self._head_journal_text():
            self.mf.meta.mkdir(parents=True, exist_ok=True)
            write_atomic(jp, self._head_journal_text() or "")
            r.repairs.append("meta/_journal.json restored from git HEAD (entries for SQL files added since are "
                             "repaired below)")
        if not jp.exists():
            r.refused.append(f"{jp.name} is missing: the `when` of each migration (its identity in every database's "
                             "tracking table) cannot be recovered from the files; restore it from version control "
                             "(git checkout HEAD -- meta/_journal.json)")
            return None
        try:
            text = read_text(jp)
            if has_conflict_markers(text):
                r.refused.append(f"meta/{jp.name} has git conflict markers: run `mizzle rebase`, which reads both sides")
                return None
            data = parse_json(jp, text)
        except MetaFileError as e:
            r.refused.append(f"meta/{jp.name}: {e.problem}: restore it from version control")
            return None
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("idx"), int) and isinstance(e.get("when"), int)
                and isinstance(e.get("tag"), str) for e in entries):
            r.refused.append(f"meta/{jp.name} has malformed entries: fix them by hand (each needs idx, when, tag)")
            return None
        idxs = [e["idx"] for e in entries]
        if len(set(idxs)) != len(idxs):
            r.refused.append("two journal entries have the same idx (a branch merge?): run `mizzle rebase`")
            return None
        return data

    def _stale_dialect(self, data: dict[str, Any]) -> bool:
        """The journal's `dialect` set to the configuration's where every snapshot names that one too (the warning
        of _Checker._check_journal_dialect: drizzle-kit never reads the field after writing it)."""
        said = data.get("dialect")
        if not said or dialects.canonical(str(said)) == self.dialect or self.mf.snapshots_dialect() != self.dialect:
            return False
        data["dialect"] = self.dialect
        self.report.repairs.append(f"journal dialect {said!r} set to {self.dialect!r}, which its snapshots name")
        return True

    def _reorder(self, entries: list[dict[str, Any]]) -> bool:
        idxs = [e["idx"] for e in entries]
        if sorted(idxs) != list(range(len(idxs))) or idxs == sorted(idxs):
            return False
        entries.sort(key=lambda e: e["idx"])
        self.report.repairs.append("journal entries put back in idx order (" + ", ".join(e["tag"] for e in entries)
                                   + ")")
        return True

    def _unlisted(self, entries: list[dict[str, Any]]) -> list[str]:
        listed = {e["tag"] for e in entries}
        return sorted(p.stem for p in self.folder.glob("*.sql") if p.stem not in listed)

    def _renamed_files(self, entries: list[dict[str, Any]]) -> bool:
        changed = False
        for e in entries:
            if (self.folder / f"{e['tag']}.sql").is_file():
                continue
            prefix = f"{e['idx']:04d}_"
            if not e["tag"].startswith(prefix):
                continue
            candidates = [t for t in self._unlisted(entries) if t.startswith(prefix)]
            if len(candidates) == 1:
                self.report.repairs.append(f"journal entry {e['idx']}: tag {e['tag']} → {candidates[0]} (its SQL "
                                           f"file was renamed; `when` {e['when']} and the SQL unchanged)")
                e["tag"] = candidates[0]
                changed = True
            elif candidates:
                self.report.refused.append(f"{e['tag']}.sql is missing and several unlisted files could be it "
                                           f"({', '.join(c + '.sql' for c in candidates)}): rename the right one")
        return changed

    def _missing_entries(self, entries: list[dict[str, Any]]) -> bool:
        changed = False
        head = self._head_entries()
        while True:
            n = max((e["idx"] for e in entries), default=-1) + 1  # drizzle-kit's next number: a skipped one stays
            prefix = f"{n:04d}_"
            candidates = [t for t in self._unlisted(entries) if t.startswith(prefix)]
            if len(candidates) != 1:
                if len(candidates) > 1:
                    self.report.refused.append(f"several SQL files numbered {n:04d} are not in the journal "
                                               f"({', '.join(c + '.sql' for c in candidates)}): after a branch "
                                               "merge, restore both entries and run `mizzle rebase`")
                break
            tag = candidates[0]
            why = self._fits_chain(n, entries)
            if why:
                self.report.refused.append(f"{tag}.sql is not in the journal, and {why}: mizzle cannot tell where "
                                           "it belongs; restore its entry from version control")
                break
            prev_when = max((e["when"] for e in entries), default=0)
            known = head.get(tag)
            if known is not None and known.get("idx") == n and isinstance(known.get("when"), int) \
                    and known["when"] not in {e["when"] for e in entries}:
                entry = {"idx": n, "version": str(known.get("version", JOURNAL_VERSION.get(self.dialect, "7"))),
                         "when": known["when"], "tag": tag, "breakpoints": bool(known.get("breakpoints", True))}
                source = f"`when` {known['when']} from git HEAD's journal"
            else:
                mtime = int((self.folder / f"{tag}.sql").stat().st_mtime * 1000)
                entry = {"idx": n, "version": JOURNAL_VERSION.get(self.dialect, "7"),
                         "when": max(mtime, prev_when + 1), "tag": tag, "breakpoints": True}
                source = (f"new `when` {entry['when']} (the original is unknown: if a database already applied "
                          "this file, restore the original entry from version control instead, or that database "
                          "will run it again)")
            entries.append(entry)
            self.report.repairs.append(f"journal entry {n} added for {tag}.sql (its snapshot continues the chain); "
                                       + source)
            changed = True
        return changed

    def _fits_chain(self, n: int, entries: list[dict[str, Any]]) -> str | None:
        """None when meta/NNNN_snapshot.json exists and its prevId is the previous snapshot's id; else why not."""
        p = self.mf.snapshot_path(n)
        snap = load_json_or_none(p)
        if not isinstance(snap, dict) or not isinstance(snap.get("id"), str):
            return f"meta/{p.name} is missing or unreadable"
        prev_id = ROOT_ID
        if n > 0:
            prev = load_json_or_none(self.mf.snapshot_path(n - 1))
            if not isinstance(prev, dict) or not isinstance(prev.get("id"), str):
                return f"the previous snapshot meta/{n - 1:04d}_snapshot.json is missing or unreadable"
            prev_id = prev["id"]
        if snap.get("prevId") != prev_id:
            return f"meta/{p.name} does not continue the chain (its prevId is not {prev_id})"
        return None

    @cached_property
    def _head_journal(self) -> str | None:
        """meta/_journal.json as committed in git HEAD (None outside a git work tree, or when HEAD has none)."""
        return git_show(self.folder, "HEAD", f"meta/{JOURNAL}")

    def _head_journal_text(self) -> str | None:
        text = self._head_journal
        try:
            return text if text is not None and isinstance(json.loads(text).get("entries"), list) else None
        except (json.JSONDecodeError, AttributeError):
            return None

    def _head_entries(self) -> dict[str, dict[str, Any]]:
        """The journal as committed in git HEAD, by tag (empty when not in a git work tree)."""
        text = self._head_journal_text()
        data = json.loads(text) if text else {}
        entries = data.get("entries") if isinstance(data, dict) else None
        return {e["tag"]: e for e in entries or [] if isinstance(e, dict) and isinstance(e.get("tag"), str)}


def _lints(dialect: str | None) -> bool:
    """Whether this dialect's SQL can be parsed (pglast) to check statements."""
    d = dialects.find(dialect or dialects.DEFAULT)
    return d is not None and d.lint


def _pg_parser() -> Any:
    try:
        import pglast
    except ImportError:  # pragma: no cover - pglast is a dependency; degrade to no parsing
        return None

    def parse(sql: str) -> str | None:
        try:
            pglast.parse_sql(sql)
        except pglast.parser.ParseError as e:
            return str(e)
        return None

    return parse


__all__ = ["BREAKPOINT", "CheckReport", "Finding", "FixReport", "check_folder", "fix_folder"]
