// mizzle interop reference, PostgreSQL step 1: initial schema (one of almost everything).
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, check, date, doublePrecision, foreignKey, index,
  integer, interval, json, jsonb, numeric, pgEnum, pgSchema, pgSequence, pgTable,
  primaryKey, real, serial, smallint, smallserial, text, time, timestamp, unique,
  uniqueIndex, uuid, varchar,
} from 'drizzle-orm/pg-core';

export const analytics = pgSchema('analytics');

export const userRole = pgEnum('user_role', ['admin', 'user', 'guest']);
export const eventKind = analytics.enum('event_kind', ['click', 'view', 'purchase']);

export const orderSeq = pgSequence('order_seq', {
  startWith: 100, increment: 2, minValue: 100, maxValue: 1000000, cache: 10, cycle: true,
});
export const plainSeq = pgSequence('plain_seq');
export const eventSeq = analytics.sequence('event_seq', { startWith: 1, increment: 1 });

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  name: text('name').notNull().default('anonymous'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  fullName: text('full_name').generatedAlwaysAs(sql`coalesce(first_name, '') || ' ' || coalesce(last_name, '')`),
  role: userRole('role').notNull().default('user'),
  age: smallint('age'),
  isActive: boolean('is_active').notNull().default(true),
  balance: numeric('balance', { precision: 10, scale: 2 }).default('0.00'),
  score: real('score').default(1.5),
  rating: doublePrecision('rating'),
  bigNumber: bigint('big_number', { mode: 'number' }).default(42),
  country: char('country', { length: 2 }).default('US'),
  birthday: date('birthday'),
  wakeUp: time('wake_up'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at').default(sql`now()`),
  tags: text('tags').array().default(sql`'{}'::text[]`),
  luckyNumbers: integer('lucky_numbers').array(),
  profile: jsonb('profile').default({}),
  settings: json('settings'),
  externalId: uuid('external_id').defaultRandom().notNull(),
  loginCount: integer('login_count').notNull().default(0),
  legacyCode: text('legacy_code'),
  nickname: text('nickname'),
}, (t) => [
  uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
  index('users_active_created_idx').on(t.createdAt.desc().nullsFirst()).where(sql`${t.isActive} = true`),
  index('users_name_pattern_idx').on(t.name.op('text_pattern_ops')).with({ fillfactor: 70 }),
  index('users_tags_gin_idx').using('gin', t.tags),
  index('users_external_hash_idx').using('hash', t.externalId),
  index().on(t.lastName, t.firstName),
  check('users_age_check', sql`${t.age} >= 0 AND ${t.age} < 200`),
]);

export const orgs = pgTable('orgs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  slug: varchar('slug', { length: 64 }).notNull(),
  name: text('name').notNull(),
  ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null', onUpdate: 'cascade' }),
  region: char('region', { length: 2 }),
  code: smallint('code'),
}, (t) => [
  unique().on(t.slug),
  unique('orgs_region_code_unique').on(t.region, t.code).nullsNotDistinct(),
]);

export const memberships = pgTable('memberships', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  orgId: bigint('org_id', { mode: 'number' }).notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  role: userRole('role').default('guest'),
  joinedAt: timestamp('joined_at', { withTimezone: true }).defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.userId, t.orgId] }),
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
  orgId: bigint('org_id', { mode: 'number' }),
  memberUserId: integer('member_user_id'),
  payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
  duration: interval('duration'),
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
  startedAt: timestamp('started_at', { withTimezone: true, precision: 6 }).defaultNow(),
}, (t) => [
  primaryKey({ name: 'sessions_pk', columns: [t.id, t.token] }),
  foreignKey({ columns: [t.userId], foreignColumns: [users.id] }).onDelete('restrict'),
]);

export const auditLog = pgTable('audit_log', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  message: text('message'),
});
