ALTER TABLE `tags` RENAME TO `labels`;--> statement-breakpoint
ALTER TABLE `comments` RENAME COLUMN "body" TO "content";--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_post_tags` (
	`post_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`weight` real,
	PRIMARY KEY(`post_id`, `tag_id`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `labels`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_post_tags`("post_id", "tag_id", "weight") SELECT "post_id", "tag_id", "weight" FROM `post_tags`;--> statement-breakpoint
DROP TABLE `post_tags`;--> statement-breakpoint
ALTER TABLE `__new_post_tags` RENAME TO `post_tags`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`title` text(200) NOT NULL,
	`slug` text NOT NULL,
	`body` integer,
	`editor_id` integer,
	`views` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`editor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_posts`("id", "user_id", "title", "slug", "body", "editor_id", "views") SELECT "id", "user_id", "title", "slug", "body", "editor_id", "views" FROM `posts`;--> statement-breakpoint
DROP TABLE `posts`;--> statement-breakpoint
ALTER TABLE `__new_posts` RENAME TO `posts`;--> statement-breakpoint
CREATE INDEX `posts_user_idx` ON `posts` (`user_id`);--> statement-breakpoint
CREATE INDEX `posts_views_idx` ON `posts` (`views`);--> statement-breakpoint
CREATE UNIQUE INDEX `posts_user_slug_uq` ON `posts` (`user_id`,`slug`);