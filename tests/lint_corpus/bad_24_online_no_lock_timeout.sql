-- mizzle:no-transaction
-- expect: MZ303
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
--> statement-breakpoint
ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;
