"""A DDL listener attaching a table as a partition (`ALTER TABLE parent ATTACH PARTITION child FOR VALUES …`) or
making it inherit (`ALTER TABLE child INHERIT parent`): mizzle declares both on the table itself, so the warning
says how, instead of "declare it with mizzle.pg". Found on openclimatefix/nowcasting_datamodel's
models/forecast.py (the PartitionByMeta recipe from Stack Overflow, also in skyportal: each monthly
forecast_value_<yyyy_mm> table attached by an after_create DDL) and credo's `ALTER TABLE … INHERIT` listener."""

from __future__ import annotations

import sqlalchemy as sa

from mizzle.sources.sqlalchemy import schema_from_metadata


def _forecast_values() -> sa.MetaData:
    md = sa.MetaData()
    cols = lambda: (sa.Column("uuid", sa.Uuid, primary_key=True),  # noqa: E731
                    sa.Column("target_time", sa.DateTime(timezone=True), primary_key=True))
    sa.Table("forecast_value", md, *cols(), postgresql_partition_by="RANGE(target_time)")
    part = sa.Table("forecast_value_2022_01", md, *cols())
    sa.event.listen(part, "after_create", sa.DDL(
        "\n    ALTER TABLE forecast_value\n    ATTACH PARTITION forecast_value_2022_01\n"
        "    FOR VALUES FROM ('2022_01-01') TO ('2022_02-01');\n    "))
    child = sa.Table("pi_group_atoms_le_100", md, sa.Column("pi_atom_id", sa.Integer, primary_key=True))
    sa.Table("pi_group_atoms", md, sa.Column("pi_atom_id", sa.Integer, primary_key=True))
    sa.event.listen(child, "after_create", sa.DDL("ALTER TABLE %(fullname)s INHERIT public.pi_group_atoms"))
    return md


def test_an_attaching_or_inheriting_listener_says_how_to_declare_it() -> None:
    lines = schema_from_metadata([_forecast_values()], dialect="postgresql").objects.unmanaged
    [attach] = [line for line in lines if "ATTACH PARTITION" in line]
    assert ('declare the partition on its Table instead: info={"mizzle": {"partition_of": "forecast_value", '
            "\"bounds\": \"FOR VALUES FROM ('2022_01-01') TO ('2022_02-01')\"}}") in attach, attach
    assert "with none of its partitioned table's indexes and foreign keys declared on it again" in attach, attach
    [inherit] = [line for line in lines if "INHERIT" in line]
    assert 'declare it on its Table instead: postgresql_inherits="public.pi_group_atoms"' in inherit, inherit
