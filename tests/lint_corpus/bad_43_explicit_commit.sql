-- expect: MZ304
CREATE TABLE "a" ("x" integer);
COMMIT;
CREATE TABLE "b" ("x" integer);
