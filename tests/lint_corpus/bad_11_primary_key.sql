-- expect: MZ203
ALTER TABLE "analytics"."sessions" ADD CONSTRAINT "sessions_pk" PRIMARY KEY("token","user_id");
