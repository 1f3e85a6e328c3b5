-- The procurement subgraph: government purchase of social services (政府购买服务), from the
-- guiding catalogue and budget lines through tenders, bids, awards and contracts to the
-- performance evaluation. Organisations and communities are referenced by id or code only:
-- nothing here refers to another schema. Names and credit codes of the parties are kept as
-- they were verified against the registry when they joined (the OCDS parties are a record).
CREATE SCHEMA IF NOT EXISTS "procurement";

CREATE TYPE "procurement"."ProjectStatus" AS ENUM ('PLANNED', 'TENDERING', 'AWARDED', 'CONTRACTED', 'COMPLETED', 'CANCELLED');
CREATE TYPE "procurement"."TenderMethod" AS ENUM ('OPEN', 'INVITED', 'COMPETITIVE_NEGOTIATION', 'COMPETITIVE_CONSULTATION', 'SINGLE_SOURCE');
CREATE TYPE "procurement"."TenderStatus" AS ENUM ('ACTIVE', 'UNSUCCESSFUL', 'AWARDED', 'CANCELLED');
CREATE TYPE "procurement"."AwardCriteria" AS ENUM ('PRICE_ONLY', 'RATED');
CREATE TYPE "procurement"."ContractStatus" AS ENUM ('PENDING', 'ACTIVE', 'COMPLETED', 'TERMINATED');
CREATE TYPE "procurement"."EvaluationStatus" AS ENUM ('ASSIGNED', 'COMPLETED');

-- The guiding catalogue (指导性目录) of purchasable services.
CREATE TABLE "procurement"."catalogue_item" (
    "code"     TEXT NOT NULL PRIMARY KEY,
    "name"     TEXT NOT NULL,
    "category" TEXT NOT NULL,
    CONSTRAINT "catalogue_item_code_shape" CHECK ("code" ~ '^[A-Z][0-9A-Z.-]{1,31}$'),
    CONSTRAINT "catalogue_item_name_not_blank" CHECK (btrim("name") <> '')
);

-- A purchasing agency's budget for a year; `committed` is the sum of its projects' budgets and
-- never passes `amount` (a conditional update raises it).
CREATE TABLE "procurement"."budget_line" (
    "id"          UUID          NOT NULL PRIMARY KEY,
    "agency_id"   UUID          NOT NULL,
    "area_code"   CHAR(12)      NOT NULL,
    "year"        SMALLINT      NOT NULL,
    "name"        TEXT          NOT NULL,
    "amount"      NUMERIC(16,2) NOT NULL,
    "committed"   NUMERIC(16,2) NOT NULL DEFAULT 0,
    "created_at"  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "budget_line_year_range" CHECK ("year" BETWEEN 2000 AND 2100),
    CONSTRAINT "budget_line_area_digits" CHECK ("area_code" ~ '^[0-9]{12}$'),
    CONSTRAINT "budget_line_committed_within_amount" CHECK ("committed" >= 0 AND "committed" <= "amount")
);
CREATE INDEX "budget_line_agency_id_year_idx" ON "procurement"."budget_line" ("agency_id", "year");

CREATE TABLE "procurement"."project" (
    "id"                      UUID          NOT NULL PRIMARY KEY,
    "title"                   TEXT          NOT NULL,
    "purchaser_id"            UUID          NOT NULL,
    "purchaser_name"          TEXT          NOT NULL,
    "purchaser_credit_code"   CHAR(18),
    "area_code"               CHAR(12)      NOT NULL,
    "catalogue_code"          TEXT          NOT NULL REFERENCES "procurement"."catalogue_item" ("code"),
    "category"                TEXT          NOT NULL,
    "budget_line_id"          UUID          NOT NULL REFERENCES "procurement"."budget_line" ("id"),
    "service_content"         TEXT          NOT NULL,
    "budget"                  NUMERIC(16,2) NOT NULL,
    "term_months"             SMALLINT      NOT NULL DEFAULT 12,
    "term_justification"      TEXT,
    "status"                  "procurement"."ProjectStatus" NOT NULL DEFAULT 'PLANNED',
    "version"                 INTEGER       NOT NULL DEFAULT 1,
    "created_at"              TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"              TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "project_title_not_blank" CHECK (btrim("title") <> ''),
    CONSTRAINT "project_area_digits" CHECK ("area_code" ~ '^[0-9]{12}$'),
    CONSTRAINT "project_budget_positive" CHECK ("budget" > 0),
    -- One year as a rule; up to three only with a recorded justification.
    CONSTRAINT "project_term" CHECK ("term_months" BETWEEN 1 AND 36 AND ("term_months" <= 12 OR "term_justification" IS NOT NULL)),
    CONSTRAINT "project_version_positive" CHECK ("version" >= 1)
);
CREATE INDEX "project_area_code_id_idx" ON "procurement"."project" ("area_code" bpchar_pattern_ops, "id");
CREATE INDEX "project_purchaser_id_idx" ON "procurement"."project" ("purchaser_id");

CREATE TABLE "procurement"."project_community" (
    "project_id"     UUID     NOT NULL REFERENCES "procurement"."project" ("id") ON DELETE CASCADE,
    "community_code" CHAR(12) NOT NULL,
    PRIMARY KEY ("project_id", "community_code"),
    CONSTRAINT "project_community_code_digits" CHECK ("community_code" ~ '^[0-9]{12}$')
);
CREATE INDEX "project_community_community_code_idx" ON "procurement"."project_community" ("community_code", "project_id");

-- Performance targets (绩效目标), set before the purchase.
CREATE TABLE "procurement"."performance_target" (
    "project_id"   UUID     NOT NULL REFERENCES "procurement"."project" ("id") ON DELETE CASCADE,
    "position"     SMALLINT NOT NULL,
    "indicator"    TEXT     NOT NULL,
    "target_value" TEXT     NOT NULL,
    PRIMARY KEY ("project_id", "position")
);

CREATE TABLE "procurement"."tender" (
    "id"                   UUID          NOT NULL PRIMARY KEY,
    "project_id"           UUID          NOT NULL REFERENCES "procurement"."project" ("id"),
    "method"               "procurement"."TenderMethod" NOT NULL,
    "method_change_reason" TEXT,
    "award_criteria"       "procurement"."AwardCriteria" NOT NULL,
    "eligible_kinds"       TEXT[]        NOT NULL,
    "min_grade"            SMALLINT,
    "invited_ids"          UUID[]        NOT NULL DEFAULT '{}',
    "published_at"         TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "opens_at"             TIMESTAMPTZ(6) NOT NULL,
    "closes_at"            TIMESTAMPTZ(6) NOT NULL,
    "status"               "procurement"."TenderStatus" NOT NULL DEFAULT 'ACTIVE',
    "awarded_bid_id"       UUID,
    "award_amount"         NUMERIC(16,2),
    "award_notice_date"    DATE,
    "objection_deadline"   DATE,
    "version"              INTEGER       NOT NULL DEFAULT 1,
    CONSTRAINT "tender_period" CHECK ("closes_at" > "opens_at"),
    CONSTRAINT "tender_min_grade_range" CHECK ("min_grade" BETWEEN 1 AND 5),
    CONSTRAINT "tender_award_complete" CHECK (("status" = 'AWARDED') = ("awarded_bid_id" IS NOT NULL AND "award_amount" IS NOT NULL AND "award_notice_date" IS NOT NULL AND "objection_deadline" IS NOT NULL)),
    CONSTRAINT "tender_version_positive" CHECK ("version" >= 1)
);
CREATE INDEX "tender_project_id_idx" ON "procurement"."tender" ("project_id");
CREATE INDEX "tender_status_closes_at_idx" ON "procurement"."tender" ("status", "closes_at", "id");
-- A project has at most one tender under way or awarded; failed and cancelled ones stay on record.
CREATE UNIQUE INDEX "tender_one_live_per_project" ON "procurement"."tender" ("project_id") WHERE "status" IN ('ACTIVE', 'AWARDED');

CREATE TABLE "procurement"."bid" (
    "id"                  UUID          NOT NULL PRIMARY KEY,
    "tender_id"           UUID          NOT NULL REFERENCES "procurement"."tender" ("id"),
    "organization_id"     UUID          NOT NULL,
    "organization_name"   TEXT          NOT NULL,
    "credit_code"         CHAR(18),
    "price"               NUMERIC(16,2) NOT NULL,
    "proposal"            TEXT          NOT NULL,
    "submitted_at"        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "withdrawn_at"        TIMESTAMPTZ(6),
    "qualified"           BOOLEAN,
    "score"               NUMERIC(5,2),
    CONSTRAINT "bid_price_positive" CHECK ("price" > 0),
    CONSTRAINT "bid_score_range" CHECK ("score" BETWEEN 0 AND 100)
);
-- One live bid per organisation per tender: a second one at the same time is a duplicate.
CREATE UNIQUE INDEX "bid_one_per_organization" ON "procurement"."bid" ("tender_id", "organization_id") WHERE "withdrawn_at" IS NULL;
CREATE INDEX "bid_organization_id_idx" ON "procurement"."bid" ("organization_id", "submitted_at");

-- Objections (质疑) against an award, within 7 working days of its notice.
CREATE TABLE "procurement"."objection" (
    "id"              UUID        NOT NULL PRIMARY KEY,
    "tender_id"       UUID        NOT NULL REFERENCES "procurement"."tender" ("id"),
    "organization_id" UUID        NOT NULL,
    "reason"          TEXT        NOT NULL,
    "filed_at"        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "objection_reason_not_blank" CHECK (btrim("reason") <> '')
);
CREATE INDEX "objection_tender_id_idx" ON "procurement"."objection" ("tender_id");

-- `value` = original value + supplementary agreements; `paid` never passes it, and the
-- supplements never pass 10% of the original (both kept by conditional updates and CHECKs).
CREATE TABLE "procurement"."contract" (
    "id"                  UUID          NOT NULL PRIMARY KEY,
    "project_id"          UUID          NOT NULL REFERENCES "procurement"."project" ("id"),
    "tender_id"           UUID          NOT NULL UNIQUE REFERENCES "procurement"."tender" ("id"),
    "supplier_id"         UUID          NOT NULL,
    "purchaser_id"        UUID          NOT NULL,
    "area_code"           CHAR(12)      NOT NULL,
    "category"            TEXT          NOT NULL,
    "title"               TEXT          NOT NULL,
    "original_value"      NUMERIC(16,2) NOT NULL,
    "supplementary_total" NUMERIC(16,2) NOT NULL DEFAULT 0,
    "value"               NUMERIC(16,2) NOT NULL,
    "paid"                NUMERIC(16,2) NOT NULL DEFAULT 0,
    "starts_on"           DATE          NOT NULL,
    "ends_on"             DATE          NOT NULL,
    "signed_on"           DATE,
    "status"              "procurement"."ContractStatus" NOT NULL DEFAULT 'PENDING',
    "termination_reason"  TEXT,
    "version"             INTEGER       NOT NULL DEFAULT 1,
    "created_at"          TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "contract_value_positive" CHECK ("original_value" > 0),
    CONSTRAINT "contract_value_sum" CHECK ("value" = "original_value" + "supplementary_total"),
    CONSTRAINT "contract_supplements_capped" CHECK ("supplementary_total" >= 0 AND "supplementary_total" * 10 <= "original_value"),
    CONSTRAINT "contract_paid_within_value" CHECK ("paid" >= 0 AND "paid" <= "value"),
    CONSTRAINT "contract_term" CHECK ("ends_on" > "starts_on"),
    CONSTRAINT "contract_signed" CHECK ("status" IN ('PENDING', 'TERMINATED') OR "signed_on" IS NOT NULL),
    CONSTRAINT "contract_termination_reason" CHECK (("status" = 'TERMINATED') = ("termination_reason" IS NOT NULL)),
    CONSTRAINT "contract_version_positive" CHECK ("version" >= 1)
);
CREATE INDEX "contract_area_code_ends_on_id_idx" ON "procurement"."contract" ("area_code" bpchar_pattern_ops, "ends_on", "id");
CREATE INDEX "contract_supplier_id_idx" ON "procurement"."contract" ("supplier_id", "ends_on", "id");
CREATE INDEX "contract_purchaser_id_idx" ON "procurement"."contract" ("purchaser_id");
CREATE INDEX "contract_signed_on_idx" ON "procurement"."contract" ("signed_on");

CREATE TABLE "procurement"."milestone" (
    "id"           UUID     NOT NULL PRIMARY KEY,
    "contract_id"  UUID     NOT NULL REFERENCES "procurement"."contract" ("id"),
    "title"        TEXT     NOT NULL,
    "deliverable"  TEXT     NOT NULL,
    "due_on"       DATE     NOT NULL,
    "completed_on" DATE
);
CREATE INDEX "milestone_contract_id_due_on_idx" ON "procurement"."milestone" ("contract_id", "due_on", "id");
CREATE INDEX "milestone_open_due_on_idx" ON "procurement"."milestone" ("due_on", "id") WHERE "completed_on" IS NULL;

CREATE TABLE "procurement"."payment" (
    "id"           UUID          NOT NULL PRIMARY KEY,
    "contract_id"  UUID          NOT NULL REFERENCES "procurement"."contract" ("id"),
    "milestone_id" UUID          REFERENCES "procurement"."milestone" ("id"),
    "amount"       NUMERIC(16,2) NOT NULL,
    "paid_on"      DATE          NOT NULL,
    "recorded_at"  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "payment_amount_positive" CHECK ("amount" > 0)
);
CREATE INDEX "payment_contract_id_idx" ON "procurement"."payment" ("contract_id", "paid_on");

-- Supplementary agreements (补充协议).
CREATE TABLE "procurement"."supplementary_agreement" (
    "id"          UUID          NOT NULL PRIMARY KEY,
    "contract_id" UUID          NOT NULL REFERENCES "procurement"."contract" ("id"),
    "amount"      NUMERIC(16,2) NOT NULL,
    "reason"      TEXT          NOT NULL,
    "signed_on"   DATE          NOT NULL,
    CONSTRAINT "supplementary_agreement_amount_positive" CHECK ("amount" > 0)
);
CREATE INDEX "supplementary_agreement_contract_id_idx" ON "procurement"."supplementary_agreement" ("contract_id");

-- The performance evaluation (绩效评价) of a contract by a third-party evaluator.
CREATE TABLE "procurement"."performance_evaluation" (
    "id"             UUID        NOT NULL PRIMARY KEY,
    "contract_id"    UUID        NOT NULL UNIQUE REFERENCES "procurement"."contract" ("id"),
    "supplier_id"    UUID        NOT NULL,
    "evaluator_id"   UUID        NOT NULL,
    "evaluator_name" TEXT        NOT NULL,
    "status"         "procurement"."EvaluationStatus" NOT NULL DEFAULT 'ASSIGNED',
    "scores"         JSONB       NOT NULL DEFAULT '[]',
    "satisfaction"   NUMERIC(5,2),
    "overall_score"  NUMERIC(5,2),
    "grade"          TEXT,
    "assigned_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "completed_at"   TIMESTAMPTZ(6),
    "version"        INTEGER     NOT NULL DEFAULT 1,
    CONSTRAINT "performance_evaluation_complete" CHECK (("status" = 'COMPLETED') = ("completed_at" IS NOT NULL AND "grade" IS NOT NULL AND "satisfaction" IS NOT NULL AND "overall_score" IS NOT NULL)),
    CONSTRAINT "performance_evaluation_grade" CHECK ("grade" IN ('EXCELLENT', 'GOOD', 'PASS', 'FAIL')),
    CONSTRAINT "performance_evaluation_satisfaction_range" CHECK ("satisfaction" BETWEEN 0 AND 100),
    CONSTRAINT "performance_evaluation_overall_range" CHECK ("overall_score" BETWEEN 0 AND 100)
);
CREATE INDEX "performance_evaluation_supplier_id_idx" ON "procurement"."performance_evaluation" ("supplier_id", "completed_at");
CREATE INDEX "performance_evaluation_evaluator_id_idx" ON "procurement"."performance_evaluation" ("evaluator_id");

-- Who changed what, when and why; written in the same transaction as the change.
CREATE TABLE "procurement"."audit_event" (
    "id"          BIGSERIAL   NOT NULL PRIMARY KEY,
    "entity_type" TEXT        NOT NULL,
    "entity_id"   TEXT        NOT NULL,
    "action"      TEXT        NOT NULL,
    "actor"       TEXT        NOT NULL,
    "actor_org"   TEXT,
    "reason"      TEXT,
    "after"       JSONB,
    "request_id"  TEXT,
    "at"          TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX "audit_event_entity_type_entity_id_at_idx" ON "procurement"."audit_event" ("entity_type", "entity_id", "at");
