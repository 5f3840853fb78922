"""The schema code's refusals gathered table by table, so that one run names every table mizzle refuses as the
code declares it: a team adopting mizzle on an app's existing models fixes them all at once, rather than one per
run (warehouse, Apache Superset and timesketch each met several)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import SchemaLoadError


class Refusals:
    """`with refusals.one(): …` for each table; `raise_any()` after the last. The first refusal stays the error's
    one-line summary (its own details kept); the others follow in the details, each in its own words."""

    def __init__(self, noun: str = "table") -> None:
        self.noun = noun
        self.met: list[SchemaLoadError] = []

    @contextmanager
    def one(self) -> Iterator[None]:
        try:
            yield
        except SchemaLoadError as e:
            self.met.append(e)

    def raise_any(self) -> None:
        if not self.met:
            return
        first, rest = self.met[0], self.met[1:]
        if not rest:
            raise first
        many = len(rest) > 1
        lines = [f"{len(rest)} more {self.noun}{'s are' if many else ' is'} refused:"]
        lines += ["  " + line for e in rest for line in str(e).splitlines()]
        raise SchemaLoadError(first.message, "\n".join([*([first.details] if first.details else []), *lines]))
