"""The `mizzle` command freezes what the schema import built (sources/loader.py, the flag in collector.py), also when the import runs inside
generate's paused-collector call: otherwise every later collection walks the user's SQLAlchemy objects again."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from mizzle import collector
from mizzle.sources import loader


def test_schema_import_is_frozen_when_the_collector_is_paused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "gc_frozen_schema.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                                                  "t = sa.Table('t', metadata, sa.Column('id', sa.Integer))\n")
    monkeypatch.setattr(collector, "freeze_imported_objects", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    was_enabled = gc.isenabled()
    before = gc.get_freeze_count()
    gc.disable()  # as generate() holds it during its call
    try:
        found = loader.load_metadata(("gc_frozen_schema",), tmp_path)
        assert not gc.isenabled()  # left as the caller had it
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        sys.modules.pop("gc_frozen_schema", None)
    assert [f.metadata.tables["t"].name for f in found] == ["t"]
