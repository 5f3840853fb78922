"""The command's cache of the code `dataclasses` compiles (cli/dataclass_code_cache.py, a speed trick): classes made
through it behave as without it, a run with the file in place compiles nothing, and a file it cannot use is ignored."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from mizzle.cli import dataclass_code_cache

# a child interpreter: the cache installed at PATH, a few kinds of dataclass made, their behaviour printed, and what
# the cache did (texts it had, whether it learnt any)
_CHILD = textwrap.dedent("""
    import dataclasses, sys
    from pathlib import Path
    from mizzle.cli import dataclass_code_cache as d
    d.install(Path(sys.argv[1]))

    @dataclasses.dataclass(frozen=True)
    class Key:
        schema: str
        name: str = "t"
        tags: tuple = ()

    @dataclasses.dataclass(order=True)
    class Row:
        n: int
        items: list = dataclasses.field(default_factory=list)

    k = Key("s")
    try:
        k.name = "x"
        frozen = False
    except dataclasses.FrozenInstanceError:
        frozen = True
    r = Row(2); r.items.append(1)
    print(repr(k), k == Key("s", "t"), hash(k) == hash(Key("s")), frozen, repr(r), Row(1) < r, Row(3).items)
    cache = dataclasses.exec.__self__
    print(cache.loaded > 0, bool(cache.learnt))
""")


def _run(cache: Path, *, write: bool = True) -> list[str]:
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run([sys.executable, "-c", _CHILD, str(cache)], env=env, capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


_BEHAVIOUR = "Key(schema='s', name='t', tags=()) True True True Row(n=2, items=[1]) True []"


def test_a_second_run_compiles_nothing_and_the_classes_behave_alike(tmp_path: Path) -> None:
    cache = tmp_path / "__pycache__" / "dataclass_code.marshal"
    first = _run(cache)
    assert first == [_BEHAVIOUR, "False True"]  # nothing to load: compiled, and learnt
    assert cache.is_file()
    second = _run(cache)
    assert second == [_BEHAVIOUR, "True False"]  # every method's code from the file


def test_a_file_it_cannot_use_is_an_empty_cache(tmp_path: Path) -> None:
    cache = tmp_path / "dataclass_code.marshal"
    good = _run(cache) and cache.read_bytes()
    magic, stored = marshal.loads(good)
    for bad in (b"not marshal at all", good[:100], marshal.dumps([1, 2]), marshal.dumps((magic, [1])),
                marshal.dumps((magic, {m: b"junk" for m in stored})), marshal.dumps((magic, {m: marshal.dumps(
                    {t: 1 for t in marshal.loads(v)}) for m, v in stored.items()})),
                marshal.dumps((b"\x00\x00\r\n", stored))):  # the last: another interpreter's magic number
        cache.write_bytes(bad)
        assert _run(cache, write=False) == [_BEHAVIOUR, "False True"], bad[:30]
    cache.write_bytes(good)
    assert _run(cache, write=False) == [_BEHAVIOUR, "True False"]


def test_nothing_written_when_python_is_told_not_to_write_bytecode(tmp_path: Path) -> None:
    cache = tmp_path / "dataclass_code.marshal"
    assert _run(cache, write=False) == [_BEHAVIOUR, "False True"]
    assert not cache.exists()


def test_the_command_installs_it_before_its_dataclasses() -> None:
    """`mizzle` (cli.main) installs the cache before importing the click application, which imports dataclasses."""
    src = Path(dataclass_code_cache.__file__).with_name("__init__.py").read_text(encoding="utf-8")
    assert src.index("dataclass_code_cache.install()") < src.index("from . import app\n")
