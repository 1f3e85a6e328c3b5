-- An organisation's standing as the national social-organisation credit platform (chinanpo)
-- publishes it: entries on the abnormal-activity list (活动异常名录) and on the serious violation
-- and dishonesty list (严重违法失信名单), administrative penalties (行政处罚) and annual inspection
-- (年检) results, each with the dates that decide whether it applies on a given day. Nothing
-- here is ever deleted: leaving a list is the removal date and document set on the entry.
CREATE TYPE "organizations"."CreditList" AS ENUM ('ABNORMAL_ACTIVITY', 'SERIOUS_VIOLATION');
CREATE TYPE "organizations"."PenaltyKind" AS ENUM ('WARNING', 'FINE', 'CONFISCATION', 'SUSPENSION', 'REVOCATION');
CREATE TYPE "organizations"."InspectionResult" AS ENUM ('QUALIFIED', 'BASICALLY_QUALIFIED', 'UNQUALIFIED', 'NOT_INSPECTED');

-- One entry on one list, from the day it was listed until the day it was removed (if ever).
CREATE TABLE "organizations"."list_entry" (
    "id"                      UUID           NOT NULL PRIMARY KEY,
    "organization_id"         UUID           NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "list"                    "organizations"."CreditList" NOT NULL,
    "listed_on"               DATE           NOT NULL,
    "reason"                  TEXT           NOT NULL,
    "authority"               TEXT           NOT NULL,
    "document_number"         TEXT           NOT NULL,
    "removed_on"              DATE,
    "removal_document_number" TEXT,
    "removal_reason"          TEXT,
    "recorded_by"             TEXT           NOT NULL,
    "recorded_at"             TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "removed_by"              TEXT,
    "removal_recorded_at"     TIMESTAMPTZ(6),
    "version"                 INTEGER        NOT NULL DEFAULT 1,
    CONSTRAINT "list_entry_reason_not_blank" CHECK (btrim("reason") <> ''),
    CONSTRAINT "list_entry_authority_not_blank" CHECK (btrim("authority") <> ''),
    CONSTRAINT "list_entry_document_not_blank" CHECK (btrim("document_number") <> ''),
    -- A removal is whole: its day, its document and who recorded it, or none of them.
    CONSTRAINT "list_entry_removal_whole" CHECK (
        ("removed_on" IS NULL) = ("removal_document_number" IS NULL)
        AND ("removed_on" IS NULL) = ("removed_by" IS NULL)
        AND ("removed_on" IS NULL) = ("removal_recorded_at" IS NULL)
    ),
    CONSTRAINT "list_entry_removed_after_listed" CHECK ("removed_on" IS NULL OR "removed_on" >= "listed_on")
);
CREATE INDEX "list_entry_organization_id_listed_on_idx" ON "organizations"."list_entry" ("organization_id", "listed_on");
-- A body is on a list once at a time: a second listing waits for the first's removal, even when
-- two officers record it at the same moment.
CREATE UNIQUE INDEX "list_entry_one_open_per_list" ON "organizations"."list_entry" ("organization_id", "list") WHERE "removed_on" IS NULL;

-- One administrative penalty decision (行政处罚决定书), in force (published) from one day to another.
CREATE TABLE "organizations"."penalty" (
    "id"              UUID           NOT NULL PRIMARY KEY,
    "organization_id" UUID           NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "decided_on"      DATE           NOT NULL,
    "authority"       TEXT           NOT NULL,
    "document_number" TEXT           NOT NULL,
    "kind"            "organizations"."PenaltyKind" NOT NULL,
    "penalty"         TEXT           NOT NULL,
    "reason"          TEXT           NOT NULL,
    "in_force_from"   DATE           NOT NULL,
    "in_force_until"  DATE           NOT NULL,
    "recorded_by"     TEXT           NOT NULL,
    "recorded_at"     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "penalty_texts_not_blank" CHECK (btrim("authority") <> '' AND btrim("document_number") <> '' AND btrim("penalty") <> '' AND btrim("reason") <> ''),
    CONSTRAINT "penalty_in_force_after_decision" CHECK ("in_force_from" >= "decided_on" AND "in_force_until" >= "in_force_from")
);
CREATE INDEX "penalty_organization_id_decided_on_idx" ON "organizations"."penalty" ("organization_id", "decided_on");
-- A decision number is the authority's own: the same decision is recorded once.
CREATE UNIQUE INDEX "penalty_authority_document_number_key" ON "organizations"."penalty" ("authority", "document_number");

-- One annual inspection (年检) conclusion per organisation and year; a correction bumps the version.
CREATE TABLE "organizations"."annual_inspection" (
    "organization_id" UUID           NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "year"            SMALLINT       NOT NULL,
    "result"          "organizations"."InspectionResult" NOT NULL,
    "concluded_on"    DATE           NOT NULL,
    "authority"       TEXT           NOT NULL,
    "recorded_by"     TEXT           NOT NULL,
    "recorded_at"     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "version"         INTEGER        NOT NULL DEFAULT 1,
    CONSTRAINT "annual_inspection_pkey" PRIMARY KEY ("organization_id", "year"),
    CONSTRAINT "annual_inspection_authority_not_blank" CHECK (btrim("authority") <> ''),
    -- The inspection of a year's work concludes after that year has ended.
    CONSTRAINT "annual_inspection_concluded_after_year" CHECK (EXTRACT(YEAR FROM "concluded_on") > "year")
);
