ALTER TABLE "audit_log" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "audit_log" CASCADE;--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "orgs_name_region_unique";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_age_check";--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "organizations_owner_id_users_id_fk";
--> statement-breakpoint
DROP INDEX "users_tags_gin_idx";--> statement-breakpoint
ALTER TABLE "analytics"."sessions" ADD COLUMN "org_id" bigint;--> statement-breakpoint
ALTER TABLE "analytics"."sessions" ADD CONSTRAINT "sessions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE restrict;--> statement-breakpoint
CREATE INDEX "memberships_org_role_idx" ON "memberships" USING btree ("org_id","role");--> statement-breakpoint
DROP SEQUENCE "public"."plain_seq";