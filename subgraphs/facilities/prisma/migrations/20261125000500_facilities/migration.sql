-- The shared facility network (社区之家): facilities units open to residents, their opening
-- hours and closures, bookings, audit events and calendar secrets. Units are organisations and
-- communities are division codes, referred to by id only: nothing here refers to another schema.
CREATE SCHEMA IF NOT EXISTS "facilities";

-- btree_gist lets one exclusion constraint combine equality on the facility with overlap of
-- time ranges.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE "facilities"."FacilityKind" AS ENUM (
    'CANTEEN', 'PARKING', 'MEETING_ROOM', 'SPORTS_VENUE', 'FITNESS_ROOM', 'LIBRARY', 'ACTIVITY_ROOM', 'STUDY_ROOM'
);
CREATE TYPE "facilities"."FacilityStatus" AS ENUM ('SUBMITTED', 'RETURNED', 'LISTED', 'SUSPENDED', 'WITHDRAWN');
CREATE TYPE "facilities"."BookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'DECLINED', 'CANCELLED', 'CHECKED_IN', 'NO_SHOW');

CREATE TABLE "facilities"."facility" (
    "id"                UUID        NOT NULL PRIMARY KEY,
    "unit_id"           UUID        NOT NULL,
    "community_code"    CHAR(12)    NOT NULL,
    "kind"              "facilities"."FacilityKind" NOT NULL,
    "name"              TEXT        NOT NULL,
    "address"           TEXT        NOT NULL,
    "capacity"          INTEGER     NOT NULL,
    "status"            "facilities"."FacilityStatus" NOT NULL DEFAULT 'SUBMITTED',
    "slot_minutes"      SMALLINT    NOT NULL,
    "min_slots"         SMALLINT    NOT NULL,
    "max_slots"         SMALLINT    NOT NULL,
    "advance_days"      SMALLINT    NOT NULL,
    "weekly_quota"      SMALLINT    NOT NULL,
    "approval_required" BOOLEAN     NOT NULL,
    "cancel_hours"      SMALLINT    NOT NULL,
    "price_per_slot"    NUMERIC(16,2),
    "accessibility"     TEXT,
    "status_reason"     TEXT,
    "version"           INTEGER     NOT NULL DEFAULT 1,
    "created_at"        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "facility_name_not_blank" CHECK (btrim("name") <> ''),
    CONSTRAINT "facility_community_code" CHECK ("community_code" ~ '^\d{9}\d{3}$' AND substr("community_code", 10) <> '000'),
    CONSTRAINT "facility_capacity" CHECK ("capacity" BETWEEN 1 AND 10000),
    -- Slots tile the local day: every slot lies within one day, whatever the day's length.
    CONSTRAINT "facility_slot_minutes" CHECK ("slot_minutes" BETWEEN 5 AND 1440 AND 1440 % "slot_minutes" = 0),
    CONSTRAINT "facility_slots" CHECK ("min_slots" >= 1 AND "max_slots" >= "min_slots" AND "max_slots" * "slot_minutes" <= 7 * 1440),
    CONSTRAINT "facility_advance_days" CHECK ("advance_days" BETWEEN 1 AND 366),
    CONSTRAINT "facility_weekly_quota" CHECK ("weekly_quota" BETWEEN 1 AND 1000),
    CONSTRAINT "facility_cancel_hours" CHECK ("cancel_hours" BETWEEN 0 AND 720),
    CONSTRAINT "facility_price" CHECK ("price_per_slot" IS NULL OR "price_per_slot" >= 0)
);
CREATE INDEX "facility_community_code_name_id_idx" ON "facilities"."facility" ("community_code", "name", "id");
CREATE INDEX "facility_unit_id_name_id_idx" ON "facilities"."facility" ("unit_id", "name", "id");
CREATE INDEX "facility_kind_status_idx" ON "facilities"."facility" ("kind", "status");

-- Opening hours are local times in the city's zone, as minutes after midnight, several
-- intervals a day allowed; 1440 is the midnight that ends the day, so an evening interval and
-- the next morning's join into one opening across midnight.
CREATE TABLE "facilities"."opening_hours" (
    "facility_id"  UUID     NOT NULL REFERENCES "facilities"."facility" ("id") ON DELETE CASCADE,
    "weekday"      SMALLINT NOT NULL,
    "start_minute" SMALLINT NOT NULL,
    "end_minute"   SMALLINT NOT NULL,
    PRIMARY KEY ("facility_id", "weekday", "start_minute"),
    CONSTRAINT "opening_hours_weekday" CHECK ("weekday" BETWEEN 1 AND 7),
    CONSTRAINT "opening_hours_interval" CHECK ("start_minute" >= 0 AND "end_minute" > "start_minute" AND "end_minute" <= 1440)
);

CREATE TABLE "facilities"."closure" (
    "id"          BIGSERIAL NOT NULL PRIMARY KEY,
    "facility_id" UUID      NOT NULL REFERENCES "facilities"."facility" ("id") ON DELETE CASCADE,
    "starts_on"   DATE      NOT NULL,
    "ends_on"     DATE      NOT NULL,
    "reason"      TEXT      NOT NULL,
    CONSTRAINT "closure_range" CHECK ("ends_on" >= "starts_on")
);
CREATE INDEX "closure_facility_id_starts_on_idx" ON "facilities"."closure" ("facility_id", "starts_on");

CREATE TABLE "facilities"."booking" (
    "id"            UUID        NOT NULL PRIMARY KEY,
    "facility_id"   UUID        NOT NULL REFERENCES "facilities"."facility" ("id") ON DELETE CASCADE,
    "booker"        TEXT        NOT NULL,
    "booker_org"    UUID,
    "starts_at"     TIMESTAMPTZ(6) NOT NULL,
    "ends_at"       TIMESTAMPTZ(6) NOT NULL,
    "quantity"      SMALLINT    NOT NULL DEFAULT 1,
    "exclusive"     BOOLEAN     NOT NULL,
    "purpose"       TEXT,
    "status"        "facilities"."BookingStatus" NOT NULL,
    "status_reason" TEXT,
    "price"         NUMERIC(16,2),
    "version"       INTEGER     NOT NULL DEFAULT 1,
    "created_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "booking_interval" CHECK ("ends_at" > "starts_at"),
    CONSTRAINT "booking_quantity" CHECK ("quantity" >= 1 AND (NOT "exclusive" OR "quantity" = 1)),
    -- Never overbooked where capacity is 1: no two active bookings of a facility overlap.
    -- Capacity N is guarded by the booking transaction, which locks the facility row first.
    CONSTRAINT "booking_no_overlap" EXCLUDE USING gist (
        "facility_id" WITH =,
        tstzrange("starts_at", "ends_at", '[)') WITH &&
    ) WHERE ("exclusive" AND "status" IN ('PENDING', 'CONFIRMED', 'CHECKED_IN'))
);
CREATE INDEX "booking_facility_id_starts_at_idx" ON "facilities"."booking" ("facility_id", "starts_at");
CREATE INDEX "booking_booker_starts_at_idx" ON "facilities"."booking" ("booker", "starts_at");

-- Who did what, when, from which status to which, and why: registrations, reviews, bookings.
CREATE TABLE "facilities"."facility_event" (
    "id"          BIGSERIAL   NOT NULL PRIMARY KEY,
    "entity_type" TEXT        NOT NULL,
    "entity_id"   UUID        NOT NULL,
    "action"      TEXT        NOT NULL,
    "from_status" TEXT,
    "to_status"   TEXT,
    "actor"       TEXT        NOT NULL,
    "actor_roles" TEXT[]      NOT NULL,
    "actor_org"   TEXT,
    "reason"      TEXT,
    "request_id"  TEXT,
    "at"          TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX "facility_event_entity_type_entity_id_id_idx" ON "facilities"."facility_event" ("entity_type", "entity_id", "id");

-- A booker's calendar feed lives at a secret URL; only the secret's hash is kept.
CREATE TABLE "facilities"."calendar_secret" (
    "subject"     TEXT     NOT NULL PRIMARY KEY,
    "secret_hash" CHAR(64) NOT NULL,
    "created_at"  TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "calendar_secret_secret_hash_key" ON "facilities"."calendar_secret" ("secret_hash");
