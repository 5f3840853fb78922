"""The promotion gate (`mizzle migrate --require-applied-in staging`): before a run applies anything, every
migration it would apply must already be applied, with the same hash, in another database (the environment
a change is promoted from). Reads that database's tracking rows only; never writes there. No SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dburl import parse_url
from ..dialects import ServerError, open_backend
from ..errors import Refused, StatementFailed
from ..migrations.folder import Migration
from .tracking import MARKED_ROLLED_BACK, TrackingTable, rows_of


def unpromoted(reference_url: str, label: str, migrations: Sequence[Migration], tracking: TrackingTable,
               connect_timeout: float = 10, folder: Sequence[Migration] = ()) -> list[tuple[Migration, str]]:
    """The migrations among `migrations` that `reference_url` has not applied with the same hash, each with
    the reason: not applied there, applied with a different hash (the file changed since), rolled back by hand
    there, or only partly applied there. Its rows are found as `status` finds them (tracking.rows_of: drizzle-orm
    1.x's by name, drizzle-orm 0.x's of a folder drizzle-kit 1.x's `up` converted by their second), among every
    migration of the `folder` (default: `migrations`)."""
    db = parse_url(reference_url)
    backend = open_backend(db, tracking, connect_timeout=connect_timeout,
                           application_name="mizzle migrate (promotion gate)")
    try:
        state = backend.read_state(create=False, with_audit=True)
    except ServerError as e:
        raise StatementFailed(f"promotion gate: cannot read the tracking table {tracking.display} of {label} "
                              f"({db.masked}): {e}") from None
    finally:
        backend.close()
    found = rows_of(folder or migrations, state.rows)
    audit = state.audit or {}
    out: list[tuple[Migration, str]] = []
    for m in migrations:
        rows = found.get(m.tag, [])
        if not rows:
            partly = " (only partly applied there)" if m.when in state.progress else ""
            out.append((m, f"not applied in {label}{partly}"))
        elif not any(r.hash == m.hash for r in rows):
            out.append((m, f"applied in {label} with a different hash ({rows[-1].hash[:12]}…; the file's is "
                           f"{m.hash[:12]}…): the file changed since it was applied in {label}"))
        elif (entry := audit.get(m.when)) is not None and entry.action == MARKED_ROLLED_BACK:
            out.append((m, f"rolled back by hand in {label}"))
    return out


def enforce(reference_url: str, label: str, migrations: Sequence[Migration], tracking: TrackingTable,
            connect_timeout: float, result: Any, folder: Sequence[Migration] = ()) -> None:
    """Raise Refused (exit 6), naming each migration `reference_url` has not applied with the same hash.
    `result` (the run's MigrateResult) records the refusal for --json; `folder`: see `unpromoted`."""
    bad = unpromoted(reference_url, label, migrations, tracking, connect_timeout, folder)
    if not bad:
        return
    names = ", ".join(m.tag for m, _ in bad)
    message = (f"refused by the promotion gate: {len(bad)} of the {len(migrations)} migration(s) to apply "
               f"{'is' if len(bad) == 1 else 'are'} not applied in {label} with the same hash ({names}); "
               "nothing was applied")
    details = "\n".join(f"  - {m.tag}: {why}" for m, why in bad) + (
        f"\nApply them in {label} first (e.g. `mizzle migrate --env {label}`), or restore the files as they were "
        f"applied there." if "://" not in label else "")
    reasons = {m.tag: why for m, why in bad}
    for r in getattr(result, "migrations", []):
        r.status = "not run"
        if r.tag in reasons:
            r.notes.append(reasons[r.tag])
    result.error = message
    err = Refused(message, details)
    err.result = result
    raise err
