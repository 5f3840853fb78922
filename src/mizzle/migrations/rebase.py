"""`mizzle rebase`: reconcile two branches' migrations after a merge.

Input: a folder where two branches each added migrations after a common one — journal entries with the same
idx (a hand-combined journal, or git's conflict markers), and snapshots with the same parent (git's conflicted
`meta/NNNN_snapshot.json`, or the incoming one copied under another name in meta/). Output: the existing
branch's migrations as they were, then the incoming ones renumbered after them, their SQL text and `when`
unchanged (databases that applied them recognise them by `when` + hash), their snapshots recomputed as
"previous snapshot + this migration's own changes" so the chain is consistent.

Which branch is existing: the one whose first migration has the smaller `when` (it was generated first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IntegrityError, UsageError
from ..schema.merge import merge
from ..schema.model import Schema, make_schema
from . import metafiles
from .folder import (
    JOURNAL_VERSION,
    REBASED_KEY,
    ROOT_ID,
    MigrationFolder,
    dump_json,
    has_conflict_markers,
    read_sql_text,
    split_conflict,
    write_atomic,
    write_bundle,
)
from .kept_spellings import kept_defaults
from .snapshots import new_id, schema_from_snapshot, snapshot_from_schema


class RebaseConflict(IntegrityError):
    """Both branches changed the same objects (exit 3); `conflicts` names them."""

    def __init__(self, conflicts: list[str], message: str, details: str = "") -> None:
        super().__init__(message, details)
        self.conflicts = conflicts


@dataclass
class Renumbered:
    old_tag: str
    new_tag: str
    old_idx: int
    new_idx: int
    when: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return f"{self.old_tag} → {self.new_tag} (when {self.when} kept)"


@dataclass
class RebaseResult:
    folder: Path
    existing: list[str] = field(default_factory=list)  # tags of the existing branch, kept as they were
    renumbered: list[Renumbered] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # extra snapshot files folded into the chain
    written: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.renumbered)

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "existing": self.existing,
                "renumbered": [r.to_json() for r in self.renumbered], "removed": self.removed,
                "written": self.written}

_MERGE_REVS = ("MERGE_HEAD", "HEAD", "HEAD^1", "HEAD^2")  # where git keeps the two sides of a merge


def _json_sides(path: Path) -> list[Any]:
    """The JSON document(s) in a file: one, or both sides of git's conflict markers."""
    text = metafiles.read_text(path)
    sides = split_conflict(text)
    texts = list(sides) if sides is not None else [text]
    if sides is None and has_conflict_markers(text):
        raise IntegrityError(f"{path}: git conflict markers that do not pair up (<<<<<<< … ======= … >>>>>>>)",
                             "Restore the file from the two branches' versions (git checkout --conflict=merge).")
    return [metafiles.parse_json(path, t) for t in texts]


@dataclass
class _Entry:
    idx: int
    when: int
    tag: str
    raw: dict[str, Any]


def _read_entries(mf: MigrationFolder) -> tuple[dict[str, Any], list[_Entry]]:
    if not mf.journal_path.exists():
        raise IntegrityError(f"{mf.journal_path}: missing", "Restore meta/_journal.json from version control.")
    docs = _json_sides(mf.journal_path)
    seen: set[str] = set()
    entries: list[_Entry] = []
    for doc in docs:
        for i, e in enumerate(metafiles.journal_doc(mf.journal_path, doc)["entries"]):
            entry = _Entry(*metafiles.entry_fields(mf.journal_path, i, e), dict(e))
            if entry.tag not in seen:  # the common entries appear on both sides of a conflict
                seen.add(entry.tag)
                entries.append(entry)
    return docs[0], entries


def _split_branches(entries: list[_Entry]) -> tuple[list[_Entry], list[list[_Entry]]]:
    """(common entries, the branches after them): a branch is a run of entries with increasing idx."""
    first_dup: int | None = None
    seen: set[int] = set()
    for e in entries:
        if e.idx in seen:
            first_dup = e.idx if first_dup is None else min(first_dup, e.idx)
        seen.add(e.idx)
    if first_dup is None:
        return entries, []
    common = [e for e in entries if e.idx < first_dup]
    rest = [e for e in entries if e.idx >= first_dup]
    # in increasing order; a number skipped (an entry deleted: sim's 0028 → 0030) is no problem, drizzle-kit numbers
    # the next migration after the last idx
    if any(a.idx >= b.idx for a, b in zip(common, common[1:], strict=False)):
        raise IntegrityError("the journal's entries before the branches are not numbered in increasing order; fix "
                             "them first (`mizzle check` lists the problems)")
    branches: list[list[_Entry]] = []
    for e in rest:
        if branches and e.idx == branches[-1][-1].idx + 1:
            branches[-1].append(e)
        else:
            branches.append([e])
    if any(b[0].idx != first_dup for b in branches):
        raise IntegrityError("cannot tell the branches apart in the journal: after the common entries, each branch "
                             f"must continue from idx {first_dup} ({', '.join(b[0].tag for b in branches)})")
    return common, branches


def _read_snapshots(mf: MigrationFolder) -> tuple[dict[str, dict[str, Any]], dict[str, list[Path]], set[str]]:
    """Every snapshot document in meta/ by id (both sides of a conflicted file), the files holding each, and the
    ids found only as "theirs" (the second side of a conflict, or a file not named NNNN_snapshot.json)."""
    by_id: dict[str, dict[str, Any]] = {}
    files: dict[str, list[Path]] = {}
    primary: set[str] = set()
    if not mf.meta.is_dir():
        return by_id, files, set()
    for p in sorted(mf.meta.iterdir()):
        if p.name.startswith(("_", ".")) or not p.name.endswith(".json") or not p.is_file():
            continue
        regular = bool(re.fullmatch(r"\d{4}_snapshot\.json", p.name))
        for side_no, doc in enumerate(_json_sides(p)):
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or "prevId" not in doc:
                continue
            prev = by_id.get(doc["id"])
            if prev is not None and prev != doc:
                raise IntegrityError(f"{p}: two different snapshots have the id {doc['id']}; one was copied by hand",
                                     "Give the copy a fresh id (any UUID) before rebasing.")
            by_id[doc["id"]] = doc
            files.setdefault(doc["id"], []).append(p)
            if regular and side_no == 0:
                primary.add(doc["id"])
    return by_id, files, set(by_id) - primary


def _read_sidecar(mf: MigrationFolder) -> dict[str, Any]:
    if not mf.sidecar_path.exists():
        return {}
    docs = [d for d in _json_sides(mf.sidecar_path) if isinstance(d, dict)]
    if not docs:
        return {}
    out = dict(docs[0])
    for d in docs[1:]:
        out.setdefault("snapshots", {})
        for k, v in (d.get("snapshots") or {}).items():
            out["snapshots"].setdefault(k, v)
        if d.get(REBASED_KEY):
            seen = {r.get("when") for r in out.get(REBASED_KEY, [])}
            out.setdefault(REBASED_KEY, []).extend(r for r in d[REBASED_KEY] if r.get("when") not in seen)
    return out


def _chain(start: dict[str, Any], children: dict[str, list[dict[str, Any]]], length: int) -> list[dict[str, Any]]:
    chain = [start]
    while len(chain) < length:
        kids = children.get(chain[-1]["id"], [])
        if len(kids) != 1:
            break
        chain.append(kids[0])
    return chain


_IDENT = re.compile(r'["`]([^"`]+)["`]')


def _changed_names(a: Schema, b: Schema) -> set[str]:
    """Names of the objects that differ between two models (to tell which snapshot goes with which SQL)."""
    names: set[str] = set()
    ta, tb = {t.key: t for t in a.tables}, {t.key: t for t in b.tables}
    for k in set(ta) | set(tb):
        x, y = ta.get(k), tb.get(k)
        if x == y:
            continue
        names.add(k[1])
        if x is not None and y is not None:
            for attr in ("columns", "indexes", "foreign_keys", "uniques", "checks"):
                xs = {o.name: o for o in getattr(x, attr)}
                ys = {o.name: o for o in getattr(y, attr)}
                names.update(n for n in set(xs) | set(ys) if xs.get(n) != ys.get(n))
    for kind in ("enums", "sequences"):
        xa, xb = {o.key: o for o in getattr(a, kind)}, {o.key: o for o in getattr(b, kind)}
        names.update(k[1] for k in set(xa) | set(xb) if xa.get(k) != xb.get(k))
    names.update(set(a.schemas) ^ set(b.schemas))
    return names


class _Rebaser:
    def __init__(self, folder: Path, dialect: str) -> None:
        self.mf = MigrationFolder(folder, dialect)
        self.dialect = dialect
        self.result = RebaseResult(folder=folder)
        self.secondary: set[str] = set()  # snapshot ids found only as the incoming side of a collision
        self.replaced: set[str] = set()  # ids of the incoming snapshots the recomputed ones replace

    def schema(self, snap: dict[str, Any] | None, side: dict[str, Any]) -> Schema:
        if snap is None:
            return make_schema(self.dialect)
        return schema_from_snapshot(snap, side, source=str(self.mf.meta))

    def run(self, dry_run: bool) -> RebaseResult:
        mf = self.mf
        if mf.uses_folders:
            raise UsageError(f"{mf.path} uses drizzle-kit's one-folder-per-migration layout, whose names never "
                             "collide; `mizzle rebase` works on the journal layout")
        journal_doc, entries = _read_entries(mf)
        common, branches = _split_branches(entries)
        if not branches:
            return self.result  # nothing to rebase
        if len(branches) > 2:
            raise IntegrityError(f"{len(branches)} branches added migrations after {common[-1].tag if common else 'the start'} "
                                 f"({', '.join(b[0].tag for b in branches)}); rebase merges two at a time",
                                 "Merge the branches one by one, running `mizzle rebase` after each.")
        snaps, snap_files, self.secondary = _read_snapshots(mf)
        side = _read_sidecar(mf)
        base_snap = self._base_snapshot(common, snaps)
        length = max(len(b) for b in branches)
        chains = self._chains(snaps, base_snap["id"] if base_snap else ROOT_ID, branches[0][0].idx, length)
        side = self._complete_sidecar(side, chains)
        pair = self._pair(branches, chains, base_snap, side)
        # existing = the branch generated first
        (b1, c1), (b2, c2) = sorted(pair, key=lambda bc: (bc[0][0].when, bc[0][0].tag))
        new_snaps = self._replay(b1, c1, b2, c2, base_snap, side)
        self._renumber(common, b1, b2)
        folded = {p for doc in [*c1, *c2] for p in snap_files.get(doc["id"], [])
                  if not re.fullmatch(r"\d{4}_snapshot\.json", p.name)}
        self.replaced = {doc["id"] for doc in c2}
        self.result.removed = sorted(str(p.relative_to(mf.path)) for p in folded)
        if not dry_run:
            self._write(journal_doc, common, b1, c1, b2, new_snaps, side, folded)
            self.result.written = True
        return self.result

    def _chains(self, snaps: dict[str, dict[str, Any]], base_id: str, first: int, length: int
                ) -> list[list[dict[str, Any]]]:
        """The snapshot chains forking from the base snapshot (the side of the collision git dropped is asked
        of git), up to `length` long each."""
        children: dict[str, list[dict[str, Any]]] = {}
        for doc in snaps.values():
            children.setdefault(str(doc.get("prevId")), []).append(doc)
        if len(children.get(base_id, [])) < 2:  # one side of the snapshot collision was dropped: ask git for it
            for doc in self._git_snapshots(range(first, first + length)):
                if doc["id"] not in snaps:
                    snaps[doc["id"]] = doc
                    self.secondary.add(doc["id"])
                    children.setdefault(str(doc.get("prevId")), []).append(doc)
        forks = sorted(children.get(base_id, []), key=lambda d: d["id"])
        return [_chain(f, children, length) for f in forks]

    def _complete_sidecar(self, side: dict[str, Any], chains: list[list[dict[str, Any]]]) -> dict[str, Any]:
        """A sidecar side dropped while resolving the merge by hand: its entries for the chains' ids from git."""
        lacking = {d["id"] for c in chains for d in c} - set(side.get("snapshots") or {})
        found = self._git_sidecar_entries(lacking) if lacking else {}
        if not found:
            return side
        return {**side, "version": side.get("version", 1), "snapshots": {**side.get("snapshots", {}), **found}}

    def _replay(self, b1: list[_Entry], c1: list[dict[str, Any]], b2: list[_Entry], c2: list[dict[str, Any]],
                base_snap: dict[str, Any] | None, side: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """The incoming branch's snapshots recomputed after the existing one's (three-way merge of each step);
        RebaseConflict when both branches changed the same object."""
        conflicts: list[str] = []
        prev_theirs = self.schema(base_snap, side)
        current = self.schema(c1[-1], side)
        current_id = c1[-1]["id"]
        new_snaps: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for entry, snap in zip(b2, c2, strict=True):
            theirs = self.schema(snap, side)
            merged = merge(prev_theirs, current, theirs)
            conflicts.extend(f"{entry.tag}: {c}" for c in merged.conflicts)
            new_snap, new_side = snapshot_from_schema(merged.schema, prev_id=current_id, id_=new_id(),
                                                      renames=snap.get("_meta") or None)
            # a default as the snapshots spell it ("0" for drizzle-kit's sql`0`, not 0)
            new_snap = kept_defaults(kept_defaults(new_snap, snap), c1[-1])
            new_snaps.append((new_snap, new_side))
            prev_theirs, current, current_id = theirs, merged.schema, new_snap["id"]
        if conflicts:
            raise RebaseConflict(conflicts,
                f"both branches changed the same object(s): {'; '.join(conflicts[:5])}"
                + (f" (and {len(conflicts) - 5} more)" if len(conflicts) > 5 else ""),
                f"{', '.join(e.tag for e in b2)} (incoming) and {', '.join(e.tag for e in b1)} (existing) cannot be "
                "put one after the other automatically. Reconcile by hand: keep one branch's migration, then "
                "regenerate the other's change with `mizzle generate`.")
        return new_snaps

    def _renumber(self, common: list[_Entry], b1: list[_Entry], b2: list[_Entry]) -> None:
        """The incoming entries' new numbers and tags, after the existing branch's; refused when a new tag is
        taken or a SQL file is missing."""
        self.result.existing = [e.tag for e in b1]
        start = b1[-1].idx + 1  # after the existing branch's last (its run goes on from the common entries' last idx)
        for i, e in enumerate(b2):
            new_idx = start + i
            prefix = f"{e.idx:04d}_"
            new_tag = f"{new_idx:04d}_{e.tag[len(prefix):]}" if e.tag.startswith(prefix) else e.tag
            self.result.renumbered.append(Renumbered(e.tag, new_tag, e.idx, new_idx, e.when))
        taken = {e.tag for e in common + b1}
        clash = [r.new_tag for r in self.result.renumbered if r.new_tag in taken]
        if clash:
            raise IntegrityError(f"renumbering would reuse the tag(s) {', '.join(clash)}",
                                 "Rename the incoming SQL file(s) and their journal entries first.")
        for e in b1 + b2:
            if not (self.mf.path / f"{e.tag}.sql").is_file():
                raise IntegrityError(f"{self.mf.path / (e.tag + '.sql')}: listed in the journal but missing",
                                     "Restore it from the branch it came from before rebasing.")

    def _git_snapshots(self, idxs: range) -> list[dict[str, Any]]:
        """Snapshots at these numbers in the merge's two sides, as git has them (none outside a git work tree)."""
        out: list[dict[str, Any]] = []
        for rev in _MERGE_REVS:
            for n in idxs:
                doc = metafiles.git_json(self.mf.path, rev, f"meta/{n:04d}_snapshot.json")
                if isinstance(doc, dict) and isinstance(doc.get("id"), str) and "prevId" in doc:
                    out.append(doc)
        return out

    def _git_sidecar_entries(self, ids: set[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for rev in _MERGE_REVS:
            doc = metafiles.git_json(self.mf.path, rev, f"meta/{metafiles.SIDECAR}")
            snaps = doc.get("snapshots") if isinstance(doc, dict) else None
            if isinstance(snaps, dict):
                found.update({k: v for k, v in snaps.items() if k in ids and k not in found})
        return found

    def _base_snapshot(self, common: list[_Entry], snaps: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        if not common:
            return None
        p = self.mf.snapshot_path(common[-1].idx)
        if not p.exists():
            raise IntegrityError(f"{p}: snapshot of {common[-1].tag}, the last migration both branches share, is "
                                 "missing", "Restore it from version control, or run `mizzle check --rebuild-snapshots`.")
        docs = [d for d in _json_sides(p) if isinstance(d, dict) and d.get("id")]
        if len({d["id"] for d in docs}) != 1:
            raise IntegrityError(f"{p}: the snapshot both branches share differs between them; resolve it first")
        return docs[0]

    def _pair(self, branches: list[list[_Entry]], chains: list[list[dict[str, Any]]], base: dict[str, Any] | None,
              side: dict[str, Any]) -> list[tuple[list[_Entry], list[dict[str, Any]]]]:
        b1, b2 = branches
        usable = [c for c in chains if len(c) in (len(b1), len(b2))]
        if len(chains) != 2 or len(usable) != 2:
            found = ", ".join(str(len(c)) for c in chains) or "none"
            raise IntegrityError(
                f"expected two snapshot chains after the common snapshot (for {len(b1)} and {len(b2)} migrations), "
                f"found {len(chains)} (lengths: {found})",
                "Both branches wrote the same meta/NNNN_snapshot.json: keep both versions, either as git left the "
                "file (with its conflict markers) or by copying the incoming one under another name in meta/ "
                "(e.g. meta/0005_snapshot.incoming.json), then rerun `mizzle rebase`.")
        candidates = []
        for order in ((0, 1), (1, 0)):
            ca, cb = chains[order[0]], chains[order[1]]
            if len(ca) == len(b1) and len(cb) == len(b2):
                candidates.append(((b1, ca), (b2, cb)))
        if len(candidates) == 1:
            return list(candidates[0])
        scores = [self._score(c, base, side) for c in candidates]
        if scores[0] == scores[1]:
            # as merged: the branch listed first in the journal (git's HEAD side) wrote meta/NNNN_snapshot.json
            # (its HEAD side); the other's is the second side or a copy under another name
            firsts = [c[0][1][0]["id"] in self.secondary for c in candidates]
            if firsts[0] != firsts[1]:
                return list(candidates[1] if firsts[0] else candidates[0])
            raise IntegrityError(
                "cannot tell which snapshot belongs to which branch's migration (their SQL names no object their "
                "snapshots change)", "Resolve the journal and snapshots so one branch comes first, or rename the "
                "incoming snapshot to meta/NNNN_snapshot.incoming.json and keep only the existing one as "
                "meta/NNNN_snapshot.json.")
        return list(candidates[0] if scores[0] > scores[1] else candidates[1])

    def _score(self, pairing: tuple[tuple[list[_Entry], list[dict[str, Any]]], ...], base: dict[str, Any] | None,
               side: dict[str, Any]) -> int:
        score = 0
        for entries, chain in pairing:
            prev = self.schema(base, side)
            for e, snap in zip(entries, chain, strict=True):
                cur = self.schema(snap, side)
                sql = self.mf.path / f"{e.tag}.sql"
                idents = set(_IDENT.findall(read_sql_text(sql))) if sql.is_file() else set()
                score += len(_changed_names(prev, cur) & idents)
                prev = cur
        return score

    def _write(self, journal_doc: dict[str, Any], common: list[_Entry], b1: list[_Entry],
               c1: list[dict[str, Any]], b2: list[_Entry], new_snaps: list[tuple[dict[str, Any], dict[str, Any]]],
               side: dict[str, Any], folded: set[Path]) -> None:
        mf = self.mf
        ren = self.result.renumbered
        # snapshots first, the highest slots first (they hold nothing the rebase still needs), then the journal
        for r, (snap, _) in sorted(zip(ren, new_snaps, strict=True), key=lambda x: -x[0].new_idx):
            write_atomic(mf.snapshot_path(r.new_idx), dump_json(snap))
        for e, snap in zip(b1, c1, strict=True):
            write_atomic(mf.snapshot_path(e.idx), dump_json(snap))
        snapshots = {k: v for k, v in (side.get("snapshots") or {}).items() if k not in self.replaced}
        for _, (snap, entry) in zip(ren, new_snaps, strict=True):
            if entry:
                snapshots[snap["id"]] = entry
        if snapshots or side or ren:
            new_side = {**side, "version": side.get("version", 1), "snapshots": snapshots}
            rebased = [r for r in new_side.get(REBASED_KEY, []) if r.get("when") not in {x.when for x in ren}]
            rebased.extend({"when": r.when, "tag": r.new_tag, "was": r.old_tag} for r in ren)
            new_side[REBASED_KEY] = rebased
            write_atomic(mf.sidecar_path, dump_json(new_side) + "\n")
        for r in ren:
            if r.new_tag != r.old_tag:
                write_atomic(mf.path / f"{r.new_tag}.sql", read_sql_text(mf.path / f"{r.old_tag}.sql"))
        entries = [e.raw for e in common + b1]
        for e, r in zip(b2, ren, strict=True):
            entries.append({**e.raw, "idx": r.new_idx, "tag": r.new_tag})
        journal = {"version": journal_doc.get("version", JOURNAL_VERSION.get(self.dialect, "7")),
                   "dialect": journal_doc.get("dialect", self.dialect), "entries": entries}
        write_atomic(mf.journal_path, dump_json(journal))
        write_bundle(mf.path, entries)
        for r in ren:
            if r.new_tag != r.old_tag:
                (mf.path / f"{r.old_tag}.sql").unlink()
        for p in folded:
            p.unlink(missing_ok=True)


def rebase(folder: str | Path, dialect: str = "postgresql", dry_run: bool = False) -> RebaseResult:
    """Renumber the incoming branch's migrations after the existing one's and re-chain the snapshots.
    Raises IntegrityError (exit 3) when both branches changed the same object; writes nothing then."""
    return _Rebaser(Path(folder), dialect).run(dry_run)



__all__ = ["RebaseConflict", "RebaseResult", "Renumbered", "rebase"]
