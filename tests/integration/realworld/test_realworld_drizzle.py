"""The real drizzle-kit folders of ../shared/realworld/drizzle/ (issues 14 and 15): checks a–h of its README.

Every finding rw_harness reports must be a real problem of the folder (a line of EXPECTED.txt, read-only,
written by hand) or a false alarm mizzle is known to still raise (a line of KNOWN_GAPS.txt beside this file).
A KNOWN_GAPS line that matches no finding any more fails too: the fix landed, remove the line, so the list
only shrinks.
"""

from __future__ import annotations

import pytest
import rw_harness as rw

FOLDERS = ["dokploy", "homarr", "kan", "lmnr"]

pytestmark = [pytest.mark.pg, pytest.mark.interop]


@pytest.fixture(scope="module")
def expectations() -> tuple[list[rw.Expectation], list[rw.Expectation]]:
    if not rw.EXPECTED.is_file():
        pytest.fail(f"{rw.EXPECTED} is missing (../shared/realworld next to the project root)", pytrace=False)
    known = rw.load_expectations(rw.KNOWN_GAPS)
    wild = [str(k) for k in known if k.folder == "*"]
    assert not wild, f"KNOWN_GAPS.txt lines must name one folder (so a stale one is found): {wild}"
    assert all(k.folder in FOLDERS for k in known), [str(k) for k in known if k.folder not in FOLDERS]
    return rw.load_expectations(rw.EXPECTED), known


@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_has_only_expected_findings(folder: str, pg_available: bool,
                                           expectations: tuple[list[rw.Expectation], list[rw.Expectation]]) -> None:
    expected, known = expectations
    report = rw.run_folder(rw.REALWORLD / folder)
    surprises = rw.unexpected(report, expected, known)
    _, _, stale = rw.classify(report, expected, known)
    problems = []
    for step in rw.STEPS:
        lines = surprises.get(step) or []
        if lines:
            problems.append(f"step {step}: {len(lines)} finding(s) neither EXPECTED.txt nor KNOWN_GAPS.txt lists:")
            problems += [f"    {ln if len(ln) <= 300 else ln[:300] + ' …'}" for ln in lines]
    for k in sorted(stale, key=lambda k: k.source):
        problems.append(f"stale known gap: remove it ({k.source}: {k})")
    if problems:
        notes = "\n".join(f"  note: {n.splitlines()[0]}" for n in report.notes)
        pytest.fail(f"{folder}: " + "\n".join(problems) + ("\n" + notes if notes else ""), pytrace=False)


def test_snapdiff_forms() -> None:
    """The snapshot diff of step h: generalised path, concrete path, both values; one side only; annotations."""
    a = {"id": "1", "tables": {"public.t": {"columns": {
        "id": {"type": "serial", "notNull": True}, "k": {"notNull": True},
        "j": {"default": "'{\"a\": 1, \"b\": 2}'::jsonb"}},
        "compositePrimaryKeys": {"t_pk": {"columns": ["k", "id"]}},
        "indexes": {"i": {"columns": [{"expression": "id", "opclass": "int4_ops"}]}}}}}
    b = {"id": "2", "tables": {"public.t": {"columns": {
        "id": {"type": "integer", "notNull": True}, "k": {"notNull": False},
        "j": {"default": "'{\"b\":2,\"a\":1}'::jsonb"}, "new": {"type": "text"}},
        "compositePrimaryKeys": {"t_pk": {"columns": ["k", "id"]}},
        "indexes": {"i": {"columns": [{"expression": "id"}]}}}}}
    assert sorted(rw.snapdiff(a, b)) == sorted([
        '~ tables.<name>.columns.<name>.type @ tables.public.t.columns.id.type: "serial" → "integer"',
        "~ tables.<name>.columns.<name>.notNull (composite key member) @ tables.public.t.columns.k.notNull: "
        "true → false",
        '~ tables.<name>.columns.<name>.default (JSON re-rendered) @ tables.public.t.columns.j.default: '
        '"\'{\\"a\\": 1, \\"b\\": 2}\'::jsonb" → "\'{\\"b\\":2,\\"a\\":1}\'::jsonb"',
        '+ tables.<name>.columns.<name> @ tables.public.t.columns.new = {"type": "text"}',
        '- tables.<name>.indexes.<name>.columns.[].opclass @ tables.public.t.indexes.i.columns.[0].opclass = '
        '"int4_ops"',
    ])
    assert rw.snapdiff(a, a) == []


def test_snapdiff_1x_rows_in_any_order() -> None:
    """drizzle-kit 1.x snapshots (a folder made with 1.0.0-rc.5 from kan's schema history): the footprints, deltas
    and ddl rows a rebuilt snapshot lists in another order are equal (step h listed 2119 false differences on 5
    snapshots, every row after the first moved one); a row on one side only is one line; prevIds is new by design."""
    fp1 = {"statementType": "create_table", "writes": ["s|tbl|public.a"]}
    fp2 = {"statementType": "create_table", "writes": ["s|tbl|public.b"]}
    d1, d2 = {"op": "create", "row": {"name": "a"}}, {"op": "create", "row": {"name": "b"}}
    a = {"version": "9", "prevIds": ["x"], "footprints": [fp1, fp2], "deltas": [d1, d2]}
    b = {"version": "9", "prevIds": ["y"], "footprints": [fp2, fp1], "deltas": [d2, d1]}
    assert rw.snapdiff(a, b) == []
    c = {**b, "deltas": [d2, {"op": "create", "row": {"name": "c"}}]}
    assert sorted(rw.snapdiff(a, c)) == ['+ deltas[] = {"op": "create", "row": {"name": "c"}}',
                                         '- deltas[] = {"op": "create", "row": {"name": "a"}}']


def test_expectation_lines_are_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "K.txt"
    p.write_text("# comment\n\nkan bz oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"K\.txt:3: expected `FOLDER STEPS REGEX`"):
        rw.load_expectations(p)
    p.write_text("kan b (unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"K\.txt:1: bad regex"):
        rw.load_expectations(p)
    p.write_text("kan de ^\\+ index x\nlmnr d y\n", encoding="utf-8")
    k = rw.load_expectations(p)
    report = rw.Report("kan", findings={"d": ["+ index x on t", "+ index z on t"], "e": ["+ index x on t"]})
    assert rw.unexpected(report, [], k) == {"d": ["+ index z on t"], "e": []}
    exp, known, stale = rw.classify(report, [], k)
    assert known == {"d": ["+ index x on t"], "e": ["+ index x on t"]} and stale == set()
    exp, known, stale = rw.classify(rw.Report("kan", findings={"d": ["+ index z on t"]}), [], k)
    assert [str(s) for s in stale] == ["kan de ^\\+ index x"]
