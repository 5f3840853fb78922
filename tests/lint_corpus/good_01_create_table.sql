-- expect: none
CREATE TABLE "public"."users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" varchar(255) NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "public"."users" USING btree ("email");
--> statement-breakpoint
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_check" CHECK (email <> '');
