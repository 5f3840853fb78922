-- expect: MZ005, MZ005
-- codu-code/codu's hand-written DROP TABLE IF EXISTS RSVP (Prisma's "RSVP"): unquoted, the name folds to rsvp, which
-- does not exist, and the statement does nothing (without IF EXISTS, as the ALTER here, it fails)
CREATE TABLE "RSVP" ("id" integer PRIMARY KEY);
CREATE TABLE "Event" ("id" integer PRIMARY KEY);
ALTER TABLE Event ADD COLUMN "note" text;
DROP TABLE IF EXISTS RSVP;
DROP TABLE "RSVP";
