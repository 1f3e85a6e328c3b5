-- The housing subgraph: residential developments, their community premises (社区用房) from plan
-- to use, buybacks at a published reference price, leases and the clearance query log.
-- Developers, communities and cities are referred to by id or division code only: nothing here
-- refers to another schema.
CREATE SCHEMA IF NOT EXISTS "housing";

-- Overlapping leases of the same space are refused by an exclusion constraint (equality on a
-- text column inside a GiST index needs btree_gist).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE "housing"."Acquisition" AS ENUM ('FREE_HANDOVER', 'BUYBACK');
CREATE TYPE "housing"."PremisesState" AS ENUM (
    'PLANNED', 'PLAN_APPROVED', 'PUBLICLY_NOTICED', 'UNDER_CONSTRUCTION', 'INSPECTION_REQUESTED',
    'ACCEPTED', 'REJECTED', 'RECTIFIED', 'HANDED_OVER', 'IN_USE'
);
CREATE TYPE "housing"."SignOffRole" AS ENUM ('DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER');
CREATE TYPE "housing"."PriceType" AS ENUM ('COMMERCIAL', 'RESIDENTIAL');
CREATE TYPE "housing"."PriceZone" AS ENUM ('CITY_WIDE', 'MAIN_URBAN');
CREATE TYPE "housing"."BuybackState" AS ENUM ('VALUED', 'APPROVED', 'PAID');

CREATE TABLE "housing"."development" (
    "id"                 UUID        NOT NULL PRIMARY KEY,
    "developer_id"       UUID        NOT NULL,
    "community_code"     CHAR(12)    NOT NULL,
    "name"               TEXT        NOT NULL,
    "land_grant_date"    DATE        NOT NULL,
    "planned_households" INTEGER     NOT NULL,
    "acquisition"        "housing"."Acquisition" NOT NULL,
    "created_at"         TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "development_name_not_blank" CHECK (btrim("name") <> ''),
    CONSTRAINT "development_households_positive" CHECK ("planned_households" > 0)
);
CREATE INDEX "development_community_idx" ON "housing"."development" ("community_code", "name", "id");
CREATE INDEX "development_developer_idx" ON "housing"."development" ("developer_id", "name", "id");

CREATE TABLE "housing"."premises" (
    "id"                   UUID        NOT NULL PRIMARY KEY,
    "development_id"       UUID        NOT NULL REFERENCES "housing"."development" ("id"),
    "community_code"       CHAR(12)    NOT NULL,
    "building"             TEXT        NOT NULL,
    "floor"                SMALLINT    NOT NULL,
    "unit"                 TEXT        NOT NULL,
    "planned_area"         NUMERIC(10, 2) NOT NULL,
    "purpose"              TEXT        NOT NULL,
    "state"                "housing"."PremisesState" NOT NULL DEFAULT 'PLANNED',
    "notice_starts_on"     DATE,
    "notice_ends_on"       DATE,
    "accepted_area"        NUMERIC(10, 2),
    "title_certificate"    TEXT,
    "title_transferred_on" DATE,
    "version"              INTEGER     NOT NULL DEFAULT 1,
    "created_at"           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    -- A basement is never planned as community premises.
    CONSTRAINT "premises_above_ground" CHECK ("floor" >= 1),
    CONSTRAINT "premises_area_positive" CHECK ("planned_area" > 0),
    CONSTRAINT "premises_accepted_area" CHECK (("accepted_area" IS NOT NULL) = ("state" IN ('ACCEPTED', 'HANDED_OVER', 'IN_USE'))),
    CONSTRAINT "premises_title" CHECK (("title_certificate" IS NOT NULL) = ("state" IN ('HANDED_OVER', 'IN_USE')))
);
CREATE INDEX "premises_development_idx" ON "housing"."premises" ("development_id", "created_at", "id");
CREATE INDEX "premises_community_idx" ON "housing"."premises" ("community_code", "state");

-- One sign-off per role: the plan advances when both rows exist.
CREATE TABLE "housing"."plan_sign_off" (
    "premises_id" UUID        NOT NULL REFERENCES "housing"."premises" ("id"),
    "role"        "housing"."SignOffRole" NOT NULL,
    "actor"       TEXT        NOT NULL,
    "actor_area"  CHAR(12)    NOT NULL,
    "signed_at"   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    PRIMARY KEY ("premises_id", "role")
);

-- Every acceptance inspection, with every item; the outcome is set when both inspectors signed.
CREATE TABLE "housing"."inspection" (
    "id"                  UUID        NOT NULL PRIMARY KEY,
    "premises_id"         UUID        NOT NULL REFERENCES "housing"."premises" ("id"),
    "round"               SMALLINT    NOT NULL,
    "measured_area"       NUMERIC(10, 2) NOT NULL,
    "location_as_planned" BOOLEAN     NOT NULL,
    "above_ground"        BOOLEAN     NOT NULL,
    "regular_shape"       BOOLEAN     NOT NULL,
    "no_partitions"       BOOLEAN     NOT NULL,
    "own_entrance"        BOOLEAN     NOT NULL,
    "utilities"           BOOLEAN     NOT NULL,
    "defects"             TEXT[]      NOT NULL DEFAULT '{}',
    "notes"               TEXT,
    "outcome"             "housing"."PremisesState",
    "recorded_at"         TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "decided_at"          TIMESTAMPTZ(6),
    CONSTRAINT "inspection_outcome" CHECK ("outcome" IS NULL OR "outcome" IN ('ACCEPTED', 'REJECTED')),
    CONSTRAINT "inspection_area_positive" CHECK ("measured_area" > 0),
    UNIQUE ("premises_id", "round")
);
-- At most one inspection awaiting its second signature per premises.
CREATE UNIQUE INDEX "inspection_one_pending" ON "housing"."inspection" ("premises_id") WHERE "outcome" IS NULL;

CREATE TABLE "housing"."inspection_signature" (
    "inspection_id" UUID        NOT NULL REFERENCES "housing"."inspection" ("id"),
    "role"          "housing"."SignOffRole" NOT NULL,
    "actor"         TEXT        NOT NULL,
    "actor_area"    CHAR(12)    NOT NULL,
    "signed_at"     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    PRIMARY KEY ("inspection_id", "role")
);

-- The published reference prices (基准价), per city, year, type and zone.
CREATE TABLE "housing"."reference_price" (
    "city"            CHAR(12)    NOT NULL,
    "year"            SMALLINT    NOT NULL,
    "price_type"      "housing"."PriceType" NOT NULL,
    "zone"            "housing"."PriceZone" NOT NULL,
    "unit_price"      NUMERIC(16, 2) NOT NULL,
    "source_document" TEXT        NOT NULL,
    "published_by"    TEXT        NOT NULL,
    "published_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    PRIMARY KEY ("city", "year", "price_type", "zone"),
    CONSTRAINT "reference_price_positive" CHECK ("unit_price" > 0)
);

CREATE TABLE "housing"."buyback" (
    "premises_id"           UUID        NOT NULL PRIMARY KEY REFERENCES "housing"."premises" ("id"),
    "state"                 "housing"."BuybackState" NOT NULL DEFAULT 'VALUED',
    "price_type"            "housing"."PriceType" NOT NULL,
    "zone"                  "housing"."PriceZone" NOT NULL,
    "reference_year"        SMALLINT    NOT NULL,
    "reference_year_reason" TEXT,
    "unit_price"            NUMERIC(16, 2) NOT NULL,
    "source_document"       TEXT        NOT NULL,
    "area"                  NUMERIC(10, 2) NOT NULL,
    "amount"                NUMERIC(16, 2) NOT NULL,
    "valued_on"             DATE        NOT NULL,
    "approved_at"           TIMESTAMPTZ(6),
    "paid_on"               DATE,
    "payment_reference"     TEXT,
    "version"               INTEGER     NOT NULL DEFAULT 1,
    CONSTRAINT "buyback_paid" CHECK (("paid_on" IS NOT NULL) = ("state" = 'PAID'))
);

CREATE TABLE "housing"."lease" (
    "id"             UUID        NOT NULL PRIMARY KEY,
    "community_code" CHAR(12)    NOT NULL,
    "landlord"       TEXT        NOT NULL,
    "address"        TEXT        NOT NULL,
    "area"           NUMERIC(10, 2) NOT NULL,
    "monthly_rent"   NUMERIC(16, 2) NOT NULL,
    "starts_on"      DATE        NOT NULL,
    "ends_on"        DATE        NOT NULL,
    "created_by"     TEXT        NOT NULL,
    "created_at"     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "lease_term" CHECK ("ends_on" >= "starts_on"),
    CONSTRAINT "lease_area_positive" CHECK ("area" > 0),
    -- The same space (by address) is never let twice for overlapping days.
    CONSTRAINT "lease_no_overlap" EXCLUDE USING gist ("address" WITH =, daterange("starts_on", "ends_on", '[]') WITH &&)
);
CREATE INDEX "lease_community_idx" ON "housing"."lease" ("community_code", "ends_on");
CREATE INDEX "lease_ends_idx" ON "housing"."lease" ("ends_on", "id");

-- Every sales-permit clearance the housing authority asked for: who, when, what was answered.
CREATE TABLE "housing"."clearance_query" (
    "id"             BIGSERIAL   NOT NULL PRIMARY KEY,
    "development_id" UUID        NOT NULL REFERENCES "housing"."development" ("id"),
    "asked_by"       TEXT        NOT NULL,
    "asked_area"     CHAR(12)    NOT NULL,
    "status"         TEXT        NOT NULL,
    "reasons"        JSONB       NOT NULL,
    "request_id"     TEXT,
    "asked_at"       TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX "clearance_query_development_idx" ON "housing"."clearance_query" ("development_id", "id");

CREATE TABLE "housing"."audit_event" (
    "id"             BIGSERIAL   NOT NULL PRIMARY KEY,
    "entity_type"    TEXT        NOT NULL,
    "entity_id"      TEXT        NOT NULL,
    "community_code" CHAR(12)    NOT NULL,
    "action"         TEXT        NOT NULL,
    "from_state"     TEXT,
    "to_state"       TEXT,
    "actor"          TEXT        NOT NULL,
    "actor_role"     TEXT        NOT NULL,
    "actor_org"      TEXT,
    "reason"         TEXT,
    "detail"         JSONB,
    "request_id"     TEXT,
    "at"             TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX "audit_event_entity_idx" ON "housing"."audit_event" ("entity_type", "entity_id", "id");
