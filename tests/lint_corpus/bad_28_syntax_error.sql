-- expect: MZ001
CREATE TABLE "public"."t" ("id" integer,, "x" text);
