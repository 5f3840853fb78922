-- expect: none
-- Lemmy (LemmyNet/lemmy): its 2020 materialized views with a unique index for REFRESH … CONCURRENTLY, as a pulled
-- baseline makes them, and its 2025 migration that builds comment_actions with CREATE TABLE … AS: an index on a
-- relation this file made locks nobody out
CREATE MATERIALIZED VIEW "public"."user_mview" AS SELECT 1 AS id;
--> statement-breakpoint
CREATE UNIQUE INDEX idx_user_mview_id ON public.user_mview USING btree (id);
--> statement-breakpoint
CREATE TABLE comment_actions AS SELECT 1 AS person_id, 2 AS comment_id;
--> statement-breakpoint
CREATE INDEX idx_comment_actions_person ON comment_actions (person_id);
