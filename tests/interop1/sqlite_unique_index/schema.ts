// A uniqueIndex() under the name drizzle-kit gives a .unique() constraint (openstatus' incident table): an
// `indexes` row in drizzle-kit 1.x's snapshot, not a `uniques` one (see test_interop1_sqlite.py).
import { integer, sqliteTable, uniqueIndex } from "drizzle-orm/sqlite-core";

export const incident = sqliteTable("incident", {
  id: integer().primaryKey(),
  monitorId: integer("monitor_id"),
  startedAt: integer("started_at"),
}, (t) => [uniqueIndex("incident_monitor_id_started_at_unique").on(t.monitorId, t.startedAt)]);
