"""The model cache (sources/cache.py) is keyed on where Python finds packages: the same project run with another
PYTHONPATH or from another virtualenv may import another version of its models, whose files the cache never saw.
Found on OpenStack's models (ironic 21.0.0 and 39.0.0 installed in two directories): `generate` with the newer one on
PYTHONPATH answered "No schema changes" from the model the older one gave, its files being still there unchanged."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

V1 = 'import sqlalchemy as sa\nmd = sa.MetaData()\nsa.Table("nodes", md, sa.Column("id", sa.Integer, primary_key=True))\n'
V2 = V1.replace("primary_key=True)", 'primary_key=True), sa.Column("shard", sa.String(255))')


def test_another_pythonpath_is_not_answered_from_the_cache(tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    for version, text in (("v1", V1), ("v2", V2)):
        (tmp_path / version / "fxmodels").mkdir(parents=True)
        (tmp_path / version / "fxmodels" / "__init__.py").write_text(text)
    app = tmp_path / "app"
    app.mkdir()
    (app / "schema.py").write_text("from fxmodels import md\n")
    (app / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
    env = {k: v for k, v in os.environ.items() if k != "MIZZLE_NO_CACHE"}

    def generate(version: str, *args: str):  # type: ignore[no-untyped-def]
        path = os.pathsep.join(p for p in (str(tmp_path / version), env.get("PYTHONPATH", "")) if p)
        return run_mizzle(["generate", *args], cwd=app, env={**env, "PYTHONPATH": path})

    assert generate("v1", "--name", "init").code == 0  # type: ignore[attr-defined]
    assert generate("v1", "--check").code == 0  # type: ignore[attr-defined]  # the cache answers
    r = generate("v2", "--check")
    assert r.code != 0 and "shard" in r.stdout + r.stderr, r.stdout + r.stderr  # type: ignore[attr-defined]
