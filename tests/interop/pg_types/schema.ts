// mizzle interop reference: "one of each" single-step PostgreSQL schema, for the table of exact value spellings
// in snapshot JSON and SQL (column types, defaults, identity, generated, constraints, index options, views,
// roles, policies). See ../NOTES.md.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, check, cidr, date, doublePrecision, foreignKey, index, inet, integer,
  interval, json, jsonb, line, macaddr, numeric, pgEnum, pgMaterializedView, pgPolicy, pgRole, pgSchema,
  pgSequence, pgTable, pgView, point, primaryKey, real, serial, smallint, smallserial, text, time, timestamp,
  unique, uniqueIndex, uuid, varchar,
} from 'drizzle-orm/pg-core';

export const extra = pgSchema('extra');
export const mood = pgEnum('mood', ['sad', 'ok', 'happy']);
export const level = extra.enum('level', ['low', 'high']);
export const seqDefault = pgSequence('seq_default');
export const seqFull = extra.sequence('seq_full', {
  startWith: 10, increment: 3, minValue: 5, maxValue: 500, cache: 4, cycle: true,
});
export const reader = pgRole('reader', { createDb: false, createRole: false, inherit: true });

export const allTypes = pgTable('all_types', {
  cSerial: serial('c_serial').primaryKey(),
  cBigserial: bigserial('c_bigserial', { mode: 'bigint' }),
  cBigserialNum: bigserial('c_bigserial_num', { mode: 'number' }),
  cSmallserial: smallserial('c_smallserial'),
  cInteger: integer('c_integer'),
  cIntegerDef: integer('c_integer_def').default(0),
  cIntegerNeg: integer('c_integer_neg').default(-5),
  cBigint: bigint('c_bigint', { mode: 'number' }).default(9007199254740991),
  cBigintBig: bigint('c_bigint_big', { mode: 'bigint' }), // .default(123n) crashes drizzle-kit 0.31.11: "Do not know how to serialize a BigInt"
  cSmallint: smallint('c_smallint').default(3),
  cText: text('c_text').default('hello'),
  cTextQuote: text('c_text_quote').default("it's"),
  cTextEmpty: text('c_text_empty').default(''),
  cTextEnum: text('c_text_enum', { enum: ['a', 'b'] }).default('a'),
  cVarchar: varchar('c_varchar', { length: 255 }).default('v'),
  cVarcharNoLen: varchar('c_varchar_no_len'),
  cChar: char('c_char', { length: 2 }).default('ab'),
  cCharNoLen: char('c_char_no_len'),
  cBoolT: boolean('c_bool_t').default(true),
  cBoolF: boolean('c_bool_f').default(false).notNull(),
  cNumeric: numeric('c_numeric', { precision: 10, scale: 2 }).default('9.99'),
  cNumericP: numeric('c_numeric_p', { precision: 10 }),
  cNumericPlain: numeric('c_numeric_plain'),
  cNumericNumDef: numeric('c_numeric_num_def', { mode: 'number' }).default(1.25),
  cReal: real('c_real').default(1.5),
  cDouble: doublePrecision('c_double').default(2.25),
  cTs: timestamp('c_ts'),
  cTsTz: timestamp('c_ts_tz', { withTimezone: true }),
  cTs3: timestamp('c_ts3', { precision: 3 }),
  cTsTz3: timestamp('c_ts_tz3', { withTimezone: true, precision: 3 }),
  cTsNow: timestamp('c_ts_now').defaultNow(),
  cTsSqlNow: timestamp('c_ts_sql_now').default(sql`now()`),
  cTsStr: timestamp('c_ts_str', { mode: 'string' }).default('2024-01-02 03:04:05'),
  cTsDate: timestamp('c_ts_date').default(new Date('2024-01-02T03:04:05.678Z')),
  cDate: date('c_date').default('2024-01-01'),
  cDateNow: date('c_date_now').defaultNow(),
  cTime: time('c_time'),
  cTimeTz: time('c_time_tz', { withTimezone: true, precision: 2 }),
  cTimeDef: time('c_time_def').default('12:00:00'),
  cInterval: interval('c_interval'),
  cIntervalF: interval('c_interval_f', { fields: 'day to second', precision: 3 }),
  cIntervalDef: interval('c_interval_def').default('1 day'),
  cJson: json('c_json').default({ a: 1, b: 'x' }),
  cJsonb: jsonb('c_jsonb').default([1, 2, 3]),
  cJsonbSql: jsonb('c_jsonb_sql').default(sql`'{}'::jsonb`),
  cUuid: uuid('c_uuid').defaultRandom(),
  cUuidSql: uuid('c_uuid_sql').default(sql`gen_random_uuid()`),
  cUuidLit: uuid('c_uuid_lit').default('a0ee0000-0000-4000-8000-000000000001'),
  cTextArr: text('c_text_arr').array(),
  cTextArrDef: text('c_text_arr_def').array().default(['a', 'b']),
  cTextArrEmpty: text('c_text_arr_empty').array().notNull().default([]),
  cIntArr: integer('c_int_arr').array().default([1, 2, 3]),
  cIntArr2: integer('c_int_arr2').array().array(),
  cVarcharArr: varchar('c_varchar_arr', { length: 50 }).array(),
  cInet: inet('c_inet'),
  cCidr: cidr('c_cidr'),
  cMacaddr: macaddr('c_macaddr'),
  cPoint: point('c_point'),
  cLine: line('c_line'),
  cEnum: mood('c_enum').default('ok'),
  cEnumExtra: level('c_enum_extra').default('low').notNull(),
  cEnumArr: mood('c_enum_arr').array(),
  cExpr: integer('c_expr').default(sql`(1 + 2)`),
  cSeq: integer('c_seq').default(sql`nextval('seq_default')`),
  cGenerated: integer('c_generated').generatedAlwaysAs(sql`c_integer * 2`),
  cGeneratedTs: text('c_generated_ts').generatedAlwaysAs((): any => sql`lower(${allTypes.cText})`),
  cUniq: text('c_uniq').unique(),
  cUniqNamed: text('c_uniq_named').unique('all_types_named_uq'),
  cUniqNnd: text('c_uniq_nnd').unique('all_types_nnd_uq', { nulls: 'not distinct' }),
});

export const identities = pgTable('identities', {
  idAlways: integer('id_always').generatedAlwaysAsIdentity(),
  idDefault: bigint('id_default', { mode: 'number' }).generatedByDefaultAsIdentity(),
  idSmall: smallint('id_small').generatedByDefaultAsIdentity({ startWith: 2, increment: 2 }),
  idFull: bigint('id_full', { mode: 'bigint' }).generatedAlwaysAsIdentity({
    name: 'identities_full_seq', startWith: 100, increment: 10, minValue: 50, maxValue: 100000, cache: 5, cycle: true,
  }),
  val: text('val'),
}, (t) => [
  primaryKey({ columns: [t.idAlways, t.idDefault] }),
]);

export const parent = extra.table('parent', {
  a: integer('a').notNull(),
  b: text('b').notNull(),
  c: integer('c').primaryKey(),
}, (t) => [
  unique('parent_a_b_uq').on(t.a, t.b),
]);

export const child = pgTable('child', {
  id: serial('id'), // PK comes from the named primaryKey() below (having both makes PG reject the CREATE TABLE)
  parentC: integer('parent_c').references(() => parent.c),
  parentCDel: integer('parent_c_del').references(() => parent.c, { onDelete: 'cascade', onUpdate: 'set default' }),
  pa: integer('pa'),
  pb: text('pb'),
  selfRef: integer('self_ref'),
  qty: integer('qty').notNull(),
  price: numeric('price', { precision: 8, scale: 2 }),
  email: text('email'),
  body: text('body'),
  doc: jsonb('doc'),
  score: integer('score'),
  createdAt: timestamp('created_at').defaultNow(),
}, (t) => [
  primaryKey({ name: 'child_named_pk', columns: [t.id] }),
  foreignKey({ columns: [t.pa, t.pb], foreignColumns: [parent.a, parent.b] }).onDelete('set null').onUpdate('cascade'),
  foreignKey({ name: 'child_self_fk', columns: [t.selfRef], foreignColumns: [t.id] }).onDelete('no action').onUpdate('restrict'),
  unique().on(t.qty, t.price),
  unique('child_email_body_nnd').on(t.email, t.body).nullsNotDistinct(),
  check('child_qty_positive', sql`${t.qty} > 0`),
  check('child_price_check', sql`price IS NULL OR price >= 0`),
  index().on(t.qty),
  index('child_email_lower_idx').on(sql`lower(${t.email})`),
  uniqueIndex('child_email_uidx').on(t.email).where(sql`${t.email} IS NOT NULL`),
  index('child_score_desc_idx').on(t.score.desc()),
  index('child_score_nf_idx').on(t.score.asc().nullsFirst()),
  index('child_score_desc_nl_idx').on(t.score.desc().nullsLast()),
  index('child_body_ops_idx').on(t.body.op('text_pattern_ops')),
  index('child_doc_gin_idx').using('gin', t.doc),
  index('child_doc_gin_ops_idx').using('gin', t.doc.op('jsonb_path_ops')),
  index('child_email_hash_idx').using('hash', t.email),
  index('child_created_brin_idx').using('brin', t.createdAt),
  index('child_with_idx').on(t.qty, t.score).with({ fillfactor: 70 }),
  index('child_mixed_idx').on(t.qty, sql`(${t.score} + 1)`, t.email.desc()),
  pgPolicy('child_read', { as: 'permissive', for: 'select', to: reader, using: sql`true` }),
]);

export const childView = pgView('child_view').as((qb) => qb.select({ id: child.id, qty: child.qty }).from(child).where(sql`${child.qty} > 1`));
export const childMatView = pgMaterializedView('child_mat_view', { id: integer('id'), qty: integer('qty') })
  .with({ fillfactor: 90 }).withNoData().as(sql`select id, qty from child`);
