"""drizzle-kit's names for unnamed constraints, truncated to 63 bytes as PostgreSQL does."""

from __future__ import annotations

MAX_IDENTIFIER_BYTES = 63


def truncate_identifier(name: str) -> str:
    data = name.encode("utf-8")
    if len(data) <= MAX_IDENTIFIER_BYTES:
        return name
    return data[:MAX_IDENTIFIER_BYTES].decode("utf-8", errors="ignore")


def unique_name(table: str, columns: tuple[str, ...]) -> str:
    return truncate_identifier(f"{table}_{'_'.join(columns)}_unique")


def pk_name(table: str, columns: tuple[str, ...]) -> str:
    return truncate_identifier(f"{table}_{'_'.join(columns)}_pk")


def fk_name(table: str, columns: tuple[str, ...], ref_table: str, ref_columns: tuple[str, ...]) -> str:
    return truncate_identifier(f"{table}_{'_'.join(columns)}_{ref_table}_{'_'.join(ref_columns)}_fk")
