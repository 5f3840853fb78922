// step 6: drops: table audit_log, index users_tags_gin_idx, FK organizations.owner_id, unique orgs_name_region_unique,
// check users_age_check, sequence plain_seq; adds: index on memberships, FK sessions -> organizations (new column).
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, check, date, doublePrecision, foreignKey, index,
  integer, interval, json, jsonb, numeric, pgEnum, pgSchema, pgSequence, pgTable,
  primaryKey, real, serial, smallint, smallserial, text, time, timestamp, unique,
  uniqueIndex, uuid, varchar,
} from 'drizzle-orm/pg-core';

export const analytics = pgSchema('analytics');

export const userRole = pgEnum('user_role', ['admin', 'moderator', 'user', 'guest']);
export const eventKind = analytics.enum('event_type', ['click', 'view', 'purchase', 'signup']);

export const orderSeq = pgSequence('order_seq', {
  startWith: 100, increment: 2, minValue: 100, maxValue: 1000000, cache: 10, cycle: true,
});
export const eventSeq = analytics.sequence('event_seq', { startWith: 1, increment: 1 });
export const invoiceSeq = pgSequence('invoice_seq', { startWith: 5000, increment: 10, minValue: 1, maxValue: 2147483647 });

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  name: text('name').notNull(),
  firstName: text('first_name'),
  lastName: text('last_name'),
  fullName: text('full_name').generatedAlwaysAs(sql`coalesce(first_name, '') || ' ' || coalesce(last_name, '')`),
  role: userRole('role').notNull().default('user'),
  age: smallint('age').default(18),
  isActive: boolean('is_active').notNull().default(true),
  balance: numeric('balance', { precision: 10, scale: 2 }).default('0.00'),
  score: real('score').default(2.5),
  rating: numeric('rating'),
  bigNumber: bigint('big_number', { mode: 'number' }).default(42),
  country: char('country', { length: 2 }).default('US'),
  birthday: date('birthday'),
  wakeUp: time('wakes_at'),
  locale: text('locale').default('en'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at').default(sql`now()`),
  tags: text('tags').array().default(sql`'{}'::text[]`),
  luckyNumbers: integer('lucky_numbers').array(),
  profile: jsonb('profile').default({}),
  settings: jsonb('settings'),
  externalId: uuid('external_id').defaultRandom().notNull(),
  loginCount: bigint('login_count', { mode: 'number' }).notNull().default(0),
  legacyCode: integer('legacy_code'),
  phone: varchar('phone', { length: 32 }).notNull().default(''),
  score2: integer('score2').notNull().default(7),
}, (t) => [
  uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
  index('users_active_created_idx').on(t.createdAt.desc().nullsFirst()).where(sql`${t.isActive} = true`),
  index('users_name_pattern_idx').on(t.name.op('text_pattern_ops')).with({ fillfactor: 70 }),
  index('users_external_hash_idx').using('hash', t.externalId),
  index().on(t.lastName, t.firstName),
]);

export const orgs = pgTable('organizations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  slug: varchar('slug', { length: 128 }),
  name: text('name').notNull(),
  ownerId: integer('owner_id'),
  region: char('region', { length: 2 }).notNull().default('EU'),
  code: smallint('code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  parentId: bigint('parent_id', { mode: 'number' }),
}, (t) => [
  unique().on(t.slug),
  check('orgs_code_positive', sql`${t.code} > 0`),
  index('orgs_name_idx').on(t.name),
  foreignKey({ columns: [t.parentId], foreignColumns: [t.id], name: 'orgs_parent_fk' }).onDelete('set null'),
  unique('orgs_region_code_unique').on(t.region, t.code).nullsNotDistinct(),
]);

export const memberships = pgTable('memberships', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  orgId: bigint('org_id', { mode: 'number' }).notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  role: text('role').default('guest'),
  joinedAt: timestamp('joined_at', { withTimezone: true }).defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.userId, t.orgId] }),
  index('memberships_org_role_idx').on(t.orgId, t.role),
]);

export const counters = pgTable('counters', {
  id: smallserial('id').primaryKey(),
  label: text('label').unique('counters_label_key', { nulls: 'not distinct' }),
  value: integer('value').default(sql`(1 + 2)`),
  orderNo: bigint('order_no', { mode: 'number' }).default(sql`nextval('order_seq')`),
});

export const events = analytics.table('events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity({
    name: 'events_id_custom_seq', startWith: 1000, increment: 5, minValue: 1000, maxValue: 9999999, cache: 20, cycle: false,
  }),
  kind: eventKind('kind').notNull().default('view'),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  orgId: bigint('org_id', { mode: 'number' }).references(() => orgs.id, { onDelete: 'set null', onUpdate: 'cascade' }),
  memberUserId: integer('member_user_id'),
  payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
  duration: interval('elapsed'),
  occurredAt: timestamp('occurred_at', { precision: 3, mode: 'string' }).notNull().default(sql`CURRENT_TIMESTAMP`),
  day: date('day', { mode: 'date' }).default(sql`CURRENT_DATE`),
}, (t) => [
  index('events_payload_gin_idx').using('gin', t.payload.op('jsonb_path_ops')),
  index('events_kind_day_idx').on(t.kind, t.day.asc().nullsLast()),
  index('events_org_idx').on(t.orgId),
  foreignKey({
    name: 'events_membership_fk',
    columns: [t.memberUserId, t.orgId],
    foreignColumns: [memberships.userId, memberships.orgId],
  }).onDelete('cascade').onUpdate('no action'),
]);

export const sessions = analytics.table('sessions', {
  id: integer('id').generatedByDefaultAsIdentity(),
  token: text('token').notNull(),
  userId: integer('user_id').notNull(),
  orgId: bigint('org_id', { mode: 'number' }).references(() => orgs.id, { onDelete: 'cascade', onUpdate: 'restrict' }),
  startedAt: timestamp('started_at', { withTimezone: true, precision: 6 }).defaultNow(),
}, (t) => [
  primaryKey({ name: 'sessions_pk', columns: [t.id, t.token] }),
  foreignKey({ columns: [t.userId], foreignColumns: [users.id] }).onDelete('restrict'),
]);

export const tags = pgTable('tags', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity({ startWith: 10, increment: 10, cache: 5 }),
  label: varchar('label', { length: 100 }).notNull().unique('tags_label_uq'),
  color: char('color', { length: 7 }).default('#ffffff'),
  invoiceNo: integer('invoice_no').default(sql`nextval('invoice_seq')`),
});
