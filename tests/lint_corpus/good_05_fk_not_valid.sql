-- expect: none
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;
--> statement-breakpoint
ALTER TABLE posts VALIDATE CONSTRAINT posts_author_fk;
