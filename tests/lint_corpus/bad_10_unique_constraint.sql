-- expect: MZ203
ALTER TABLE "public"."users" ADD CONSTRAINT "users_handle_unique" UNIQUE("handle");
