CREATE TABLE `post_tags` (
	`post_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`weight` real,
	PRIMARY KEY(`post_id`, `tag_id`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`title` text(200) NOT NULL,
	`slug` text NOT NULL,
	`body` text,
	`editor_id` integer,
	`views` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `posts_user_idx` ON `posts` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `posts_user_slug_uq` ON `posts` (`user_id`,`slug`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT 'anon',
	`quote` text DEFAULT 'it''s',
	`role` text DEFAULT 'user' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_admin` integer DEFAULT false,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at_ms` integer,
	`created_text` text DEFAULT CURRENT_TIMESTAMP,
	`age` integer,
	`score` real DEFAULT 1.5,
	`balance` numeric DEFAULT '0.00',
	`avatar` blob,
	`meta` blob,
	`big` blob,
	`settings` text DEFAULT '{}',
	`counter` integer DEFAULT 0,
	`legacy` text,
	CONSTRAINT "users_age_check" CHECK("users"."age" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_name_idx` ON `users` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (lower("email"));--> statement-breakpoint
CREATE INDEX `users_active_idx` ON `users` (`created_at`) WHERE "users"."is_active" = 1;--> statement-breakpoint
CREATE INDEX `users_age_score_idx` ON `users` (`age`,`score`);