-- Waiting lists (候补): a booker waits for a full slot of a facility, an exact interval, in the
-- order joined. When a place frees, the store promotes the first waiting entry that every
-- booking rule still admits, in the transaction that freed it, under the facility's row lock.
CREATE TYPE "facilities"."WaitlistStatus" AS ENUM ('WAITING', 'PROMOTED', 'LEFT', 'EXPIRED');

CREATE TABLE "facilities"."waitlist_entry" (
    "id"            UUID        NOT NULL PRIMARY KEY,
    -- The queue's order: strictly increasing in the order entries were joined.
    "seq"           BIGSERIAL   NOT NULL,
    "facility_id"   UUID        NOT NULL REFERENCES "facilities"."facility" ("id") ON DELETE CASCADE,
    "booker"        TEXT        NOT NULL,
    "booker_org"    UUID,
    "starts_at"     TIMESTAMPTZ(6) NOT NULL,
    "ends_at"       TIMESTAMPTZ(6) NOT NULL,
    "quantity"      SMALLINT    NOT NULL DEFAULT 1,
    "purpose"       TEXT,
    "status"        "facilities"."WaitlistStatus" NOT NULL DEFAULT 'WAITING',
    "status_reason" TEXT,
    -- The booking a promotion made; set exactly when PROMOTED.
    "booking_id"    UUID        REFERENCES "facilities"."booking" ("id"),
    "version"       INTEGER     NOT NULL DEFAULT 1,
    "created_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "waitlist_entry_interval" CHECK ("ends_at" > "starts_at"),
    CONSTRAINT "waitlist_entry_quantity" CHECK ("quantity" >= 1),
    CONSTRAINT "waitlist_entry_promoted" CHECK (("status" = 'PROMOTED') = ("booking_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "waitlist_entry_seq_key" ON "facilities"."waitlist_entry" ("seq");
-- No one promoted twice: one booking per entry, one entry per booking.
CREATE UNIQUE INDEX "waitlist_entry_booking_id_key" ON "facilities"."waitlist_entry" ("booking_id");
-- A booker waits at most once for the same interval of a facility.
CREATE UNIQUE INDEX "waitlist_entry_waiting_key" ON "facilities"."waitlist_entry" ("facility_id", "booker", "starts_at", "ends_at")
    WHERE "status" = 'WAITING';
-- The queue of a facility's interval, and a booker's own entries.
CREATE INDEX "waitlist_entry_facility_id_starts_at_seq_idx" ON "facilities"."waitlist_entry" ("facility_id", "starts_at", "seq");
CREATE INDEX "waitlist_entry_booker_created_at_idx" ON "facilities"."waitlist_entry" ("booker", "created_at");
