-- expect: MZ006
-- a booking table's guard against double bookings: gist on a uuid column, which only btree_gist makes possible
CREATE TABLE "bookings" (
	"room_id" uuid NOT NULL,
	"during" tstzrange NOT NULL,
	CONSTRAINT "bookings_no_overlap" EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&)
);
