-- expect: MZ204
CREATE INDEX "users_name_idx" ON "public"."users" USING btree ("name");
