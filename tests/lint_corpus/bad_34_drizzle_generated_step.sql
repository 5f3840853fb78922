-- expect: MZ102, MZ104, MZ202, MZ204, MZ206
ALTER TABLE "public"."users" DROP COLUMN "legacy";--> statement-breakpoint
ALTER TABLE "public"."articles" ALTER COLUMN "title" SET DATA TYPE varchar(200) USING "title"::varchar(200);--> statement-breakpoint
ALTER TABLE "public"."articles" ALTER COLUMN "body" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "articles_title_idx" ON "public"."articles" USING btree ("title","id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "public"."orgs" ADD CONSTRAINT "orgs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
