-- expect: none
-- the same guard with btree_gist created first: uuid has a gist operator class
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
CREATE TABLE "bookings" (
	"room_id" uuid NOT NULL,
	"during" tstzrange NOT NULL,
	CONSTRAINT "bookings_no_overlap" EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&)
);
