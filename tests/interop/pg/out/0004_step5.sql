ALTER TYPE "analytics"."event_kind" RENAME TO "event_type";--> statement-breakpoint
ALTER TABLE "orgs" RENAME TO "organizations";--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "orgs_slug_unique";--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "orgs_code_positive";--> statement-breakpoint
ALTER TABLE "analytics"."events" DROP CONSTRAINT "events_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "orgs_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "organizations" DROP CONSTRAINT "orgs_parent_fk";
--> statement-breakpoint
ALTER TABLE "analytics"."events" ADD CONSTRAINT "events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "orgs_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_slug_unique" UNIQUE("slug");--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "orgs_code_positive" CHECK ("organizations"."code" > 0);