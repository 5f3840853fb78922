// An index naming its column type's default operator class (`.op("uuid_ops")` on a uuid column) beside one naming
// another (jsonb_path_ops); step2 adds a column (see test_long_names_interop1.py).
import { pgTable, uuid, jsonb, index } from "drizzle-orm/pg-core";

export const t = pgTable("t", { id: uuid().primaryKey(), ws: uuid().notNull(), doc: jsonb() }, (t) => [
  index("t_ws_idx").using("btree", t.ws.asc().nullsLast().op("uuid_ops")),
  index("t_doc_idx").using("gin", t.doc.op("jsonb_path_ops")),
]);
