// step1 with a column added.
import { pgTable, uuid, jsonb, text, index } from "drizzle-orm/pg-core";

export const t = pgTable("t", { id: uuid().primaryKey(), ws: uuid().notNull(), doc: jsonb(), note: text() }, (t) => [
  index("t_ws_idx").using("btree", t.ws.asc().nullsLast().op("uuid_ops")),
  index("t_doc_idx").using("gin", t.doc.op("jsonb_path_ops")),
]);
