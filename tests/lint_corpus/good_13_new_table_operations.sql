-- expect: none
CREATE TABLE "public"."t" ("id" integer, "x" text);
--> statement-breakpoint
ALTER TABLE "public"."t" ADD COLUMN "y" integer NOT NULL;
--> statement-breakpoint
ALTER TABLE "public"."t" ALTER COLUMN "x" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "public"."t" ADD CONSTRAINT "t_pk" PRIMARY KEY ("id");
--> statement-breakpoint
ALTER TABLE "public"."t" ADD COLUMN "u" uuid DEFAULT gen_random_uuid();
--> statement-breakpoint
ALTER TABLE "public"."t" RENAME COLUMN "x" TO "z";
--> statement-breakpoint
ALTER TABLE "public"."t" DROP COLUMN "y";
--> statement-breakpoint
DROP TABLE "public"."t";
