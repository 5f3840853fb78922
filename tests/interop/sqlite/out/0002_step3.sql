PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`title` text(200) NOT NULL,
	`slug` text NOT NULL,
	`body` integer,
	`editor_id` integer,
	`views` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_posts`("id", "user_id", "title", "slug", "body", "editor_id", "views") SELECT "id", "user_id", "title", "slug", "body", "editor_id", "views" FROM `posts`;--> statement-breakpoint
DROP TABLE `posts`;--> statement-breakpoint
ALTER TABLE `__new_posts` RENAME TO `posts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `posts_user_idx` ON `posts` (`user_id`);--> statement-breakpoint
CREATE INDEX `posts_views_idx` ON `posts` (`views`);--> statement-breakpoint
CREATE UNIQUE INDEX `posts_user_slug_uq` ON `posts` (`user_id`,`slug`);--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT 'anonymous' NOT NULL,
	`quote` text DEFAULT 'it''s',
	`role` text DEFAULT 'user' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_admin` integer DEFAULT false,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at_ms` integer,
	`created_text` text DEFAULT CURRENT_TIMESTAMP,
	`age` integer,
	`score` integer DEFAULT 2,
	`balance` numeric DEFAULT '0.00',
	`avatar` blob,
	`meta` blob,
	`big` blob,
	`settings` text DEFAULT '{}',
	`counter` integer DEFAULT 0,
	`bio` text,
	`login_count` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "users_age_check" CHECK("__new_users"."age" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "name", "quote", "role", "is_active", "is_admin", "created_at", "updated_at_ms", "created_text", "age", "score", "balance", "avatar", "meta", "big", "settings", "counter", "bio", "login_count") SELECT "id", "email", "name", "quote", "role", "is_active", "is_admin", "created_at", "updated_at_ms", "created_text", "age", "score", "balance", "avatar", "meta", "big", "settings", "counter", "bio", "login_count" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (`lower("email")`);--> statement-breakpoint
CREATE INDEX `users_active_idx` ON `users` (`created_at`) WHERE "users"."is_active" = 1;--> statement-breakpoint
CREATE INDEX `users_age_score_idx` ON `users` (`age`,`score`);