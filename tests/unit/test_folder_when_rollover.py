"""A drizzle-orm 1.x migration folder's `created_at` is its 14-digit prefix read as drizzle-orm's formatToMillis reads
it: `Date.UTC(year, month - 1, day, hour, minute, second)`, which carries a field past its range into the next one.
langfuse/langfuse's Prisma folders (Prisma orders by name only) have such names: 20240524156058_… (minute 60),
20250517273700_… (hour 27), 20250820143860_… (second 60); read as a 1.x folder, every command crashed with
`unexpected ValueError: unconverted data remains: 8`."""

from __future__ import annotations

from datetime import datetime, timezone

from mizzle.migrations.folders1 import folder_when


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp() * 1000)


def test_a_valid_stamp() -> None:
    assert folder_when("20240524155058_x") == _ms(2024, 5, 24, 15, 50, 58)


def test_fields_past_their_range_carry_as_date_utc_does() -> None:
    assert folder_when("20240524156058_scores_source_backfill") == _ms(2024, 5, 24, 16, 0, 58)
    assert folder_when("20250517273700_add_table_view_presets") == _ms(2025, 5, 18, 3, 37, 0)
    assert folder_when("20250820143860_optimize") == _ms(2025, 8, 20, 14, 39, 0)
    assert folder_when("20250820143862_optimize") == _ms(2025, 8, 20, 14, 39, 2)
    assert folder_when("20241332000000_x") == _ms(2025, 2, 1, 0, 0, 0)  # month 13, day 32
    assert folder_when("20240100000000_x") == _ms(2023, 12, 31, 0, 0, 0)  # day 0: the day before the 1st
    assert folder_when("20240001000000_x") == _ms(2023, 12, 1, 0, 0, 0)  # month 0: December before
