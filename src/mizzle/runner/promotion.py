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
from .tracking import MARKED_ROLLED_BACK, AppliedRow, TrackingTable


def unpromoted(reference_url: str, label: str, migrations: Sequence[Migration], tracking: TrackingTable,
               connect_timeout: float = 10) -> list[tuple[Migration, str]]:
    """The migrations among `migrations` that `reference_url` has not applied with the same hash, each with
    the reason: not applied there, applied with a different hash (the file changed since), rolled back by hand
    there, or only partly applied there."""
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
    by_when: dict[int, list[AppliedRow]] = {}
    for row in state.rows:
        if row.created_at is not None:
            by_when.setdefault(row.created_at, []).append(row)
    audit = state.audit or {}
    out: list[tuple[Migration, str]] = []
    for m in migrations:
        rows = by_when.get(m.when, [])
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
            connect_timeout: float, result: Any) -> None:
    """Raise Refused (exit 6), naming each migration `reference_url` has not applied with the same hash.
    `result` (the run's MigrateResult) records the refusal for --json."""
    bad = unpromoted(reference_url, label, migrations, tracking, connect_timeout)
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
