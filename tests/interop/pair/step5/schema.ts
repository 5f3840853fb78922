// mizzle interop pair, step 5: drop a table (billing.payments), drop an enum value (status 'inactive'),
// change a FK action (orgs.owner_id set null -> cascade), a check (users_age_check), an identity (invoices.id
// always -> by default), a partial index predicate, a unique's nulls-not-distinct flag; add two JSON columns whose defaults are values
// (users.settings, users.meta: drizzle-kit's snapshot spells them with the cast, '{}'::jsonb).
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, check, date, doublePrecision, foreignKey, index, integer, json, jsonb,
  numeric, pgEnum, pgSchema, pgTable, primaryKey, real, serial, smallint, text, time, timestamp, unique,
  uniqueIndex, uuid, varchar,
} from 'drizzle-orm/pg-core';

export const billing = pgSchema('billing');

export const status = pgEnum('status', ['active', 'pending', 'banned']);
export const currency = billing.enum('currency', ['usd', 'eur', 'gbp']);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  name: text('name').notNull(),
  country: char('country', { length: 2 }).default('US'),
  age: smallint('age'),
  isActive: boolean('is_active').notNull().default(true),
  status: status('status').notNull().default('pending'),
  score: real('score').default(2.5),
  rating: doublePrecision('rating').default(0),
  balance: numeric('balance', { precision: 12, scale: 2 }).default('0.00'),
  loginCount: bigint('login_count', { mode: 'number' }).notNull().default(0),
  bigNumber: bigint('big_number', { mode: 'number' }).default(42),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at').default(sql`now()`),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  seenAt: timestamp('seen_at', { precision: 6, mode: 'string' }),
  birthday: date('birthday').notNull(),
  profile: jsonb('profile').default(sql`'{}'::jsonb`),
  externalId: uuid('external_id').notNull().defaultRandom(),
  tags: text('tags').array().notNull().default(sql`'{}'`),
  bio: text('bio'),
  // a JSON default as a value: drizzle-kit spells it with the cast in the snapshot
  settings: jsonb('settings').default({}),
  meta: json('meta').default([]),
}, (t) => [
  uniqueIndex('users_email_lower_idx').on(sql`lower("email")`),
  index('users_active_name_idx').on(t.name).where(sql`${t.isActive} = true AND ${t.age} IS NOT NULL`),
  index('users_created_idx').on(t.createdAt.desc().nullsFirst()),
  index('users_tags_gin_idx').using('gin', t.tags),
  check('users_age_check', sql`${t.age} >= 0 AND ${t.age} < 150`),
]);

export const orgs = pgTable('orgs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  slug: varchar('slug', { length: 128 }).notNull(),
  name: text('name'),
  ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  region: char('region', { length: 2 }),
  code: smallint('code'),
  currency: currency('currency').default('eur'),
  lastInvoiceId: integer('last_invoice_id').references((): any => invoices.id, { onDelete: 'set null' }),
}, (t) => [
  index().on(t.name.desc()),
  unique('orgs_slug_unique').on(t.slug),
  unique('orgs_region_code_unique').on(t.region, t.code),
  check('orgs_code_check', sql`code > 0`),
]);

export const memberships = pgTable('memberships', {
  userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
  orgId: bigint('org_id', { mode: 'number' }).references(() => orgs.id, { onDelete: 'cascade' }),
  role: text('role').notNull().default('member'),
}, (t) => [
  primaryKey({ columns: [t.userId, t.orgId] }),
]);

export const invoices = billing.table('invoices', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
  orgId: bigint('org_id', { mode: 'number' }),
  currency: currency('currency').notNull().default('usd'),
  amount: numeric('amount', { precision: 12, scale: 2 }).notNull(),
  issuedOn: date('issued_on').default(sql`CURRENT_DATE`),
}, (t) => [
  index().on(t.userId, t.issuedOn),
  uniqueIndex('invoices_org_positive_idx').on(t.orgId).where(sql`${t.amount} > 0`),
  foreignKey({ columns: [t.userId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] })
    .onDelete('cascade').onUpdate('no action'),
]);

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  key: text('key').notNull().unique('api_keys_key_key', { nulls: 'not distinct' }),
  createdAt: timestamp('created_at', { precision: 3, mode: 'string' }).default(sql`now()`),
  expiresAt: timestamp('expires_at', { precision: 3 }),
  lastUsedAt: timestamp('last_used_at', { precision: 6, withTimezone: true, mode: 'string' }),
  quietFrom: time('quiet_from', { precision: 2, withTimezone: true }),
  quota: numeric('quota', { mode: 'number' }).default(1.25),
});

export const lineSeq = billing.sequence('line_seq', { startWith: 10, increment: 5, minValue: 10, maxValue: 100000, cache: 2 });

export const invoiceLines = billing.table('invoice_lines', {
  invoiceId: integer('invoice_id').notNull().references(() => invoices.id, { onDelete: 'cascade' }),
  lineNo: smallint('line_no').notNull(),
  skus: varchar('skus', { length: 32 }).array(),
  qty: integer('qty').notNull().default(1),
  total: integer('total').generatedAlwaysAs(sql`qty * 100`),
  parentLine: smallint('parent_line'),
}, (t) => [
  primaryKey({ name: 'invoice_lines_pk', columns: [t.invoiceId, t.lineNo] }),
  foreignKey({ name: 'invoice_lines_parent_fk', columns: [t.invoiceId, t.parentLine], foreignColumns: [t.invoiceId, t.lineNo] })
    .onDelete('cascade').onUpdate('restrict'),
]);
