-- The organizations registry: social organisations and the other bodies the graph meets
-- (enterprises, public institutions, government agencies). Service areas and the registration
-- area are plain division codes: nothing here refers to another schema.
CREATE SCHEMA IF NOT EXISTS "organizations";

CREATE TYPE "organizations"."OrganizationKind" AS ENUM (
    'SOCIAL_ASSOCIATION', 'SOCIAL_SERVICE_AGENCY', 'FOUNDATION', 'COMMUNITY_FILED',
    'ENTERPRISE', 'PUBLIC_INSTITUTION', 'GOVERNMENT_AGENCY'
);
CREATE TYPE "organizations"."OrganizationStatus" AS ENUM ('ACTIVE', 'ABNORMAL', 'REVOKED', 'DEREGISTERED');

-- Name search: Chinese names have no word breaks and pg_trgm ignores CJK characters under the C
-- locale, so names are indexed by their single characters and character pairs (GIN). The same
-- function as the communities schema's, owned here so the schemas stay independent.
CREATE FUNCTION "organizations"."name_grams"("s" TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(lower(s), i, 1) AS g FROM generate_series(1, length(s)) AS i
        UNION
        SELECT substr(lower(s), i, 2) FROM generate_series(1, length(s) - 1) AS i
    ) AS grams
$$;

-- The significant prefix of a division code (510108000000 → 510108), as lib/auth computes it.
CREATE FUNCTION "organizations"."significant_prefix"("code" TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN substr(code, 3) = '0000000000' THEN substr(code, 1, 2)
        WHEN substr(code, 5) = '00000000'   THEN substr(code, 1, 4)
        WHEN substr(code, 7) = '000000'     THEN substr(code, 1, 6)
        WHEN substr(code, 10) = '000'       THEN substr(code, 1, 9)
        ELSE code
    END
$$;

CREATE TABLE "organizations"."organization" (
    "id"                         UUID        NOT NULL PRIMARY KEY,
    "name"                       TEXT        NOT NULL,
    "kind"                       "organizations"."OrganizationKind" NOT NULL,
    "credit_code"                CHAR(18),
    "registration_area"          CHAR(12)    NOT NULL,
    "registration_date"          DATE        NOT NULL,
    "status"                     "organizations"."OrganizationStatus" NOT NULL DEFAULT 'ACTIVE',
    "legal_representative"       TEXT,
    "contact_phone"              TEXT,
    "contact_email"              TEXT,
    "contact_address"            TEXT,
    "categories"                 TEXT[]      NOT NULL DEFAULT '{}',
    "grade"                      SMALLINT,
    "grade_awarded_on"           DATE,
    "grade_valid_until"          DATE,
    "staff_count"                INTEGER     NOT NULL DEFAULT 0,
    "volunteer_count"            INTEGER     NOT NULL DEFAULT 0,
    "incubator"                  TEXT,
    "incubated_since"            DATE,
    "version"                    INTEGER     NOT NULL DEFAULT 1,
    "created_at"                 TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"                 TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "organization_name_not_blank" CHECK (btrim("name") <> ''),
    -- GB 32100-2015 character set (no I, O, S, V, Z); the check character is verified by the service.
    CONSTRAINT "organization_credit_code_shape" CHECK ("credit_code" ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    -- Every kind has a credit code except community-level organisations that are only filed (备案).
    CONSTRAINT "organization_credit_code_by_kind" CHECK (("kind" = 'COMMUNITY_FILED') = ("credit_code" IS NULL)),
    -- The registration authority and organisation type (the first two characters) match the kind.
    CONSTRAINT "organization_credit_code_matches_kind" CHECK (
        "credit_code" IS NULL OR substr("credit_code", 1, 2) = CASE "kind"
            WHEN 'SOCIAL_ASSOCIATION'    THEN '51'
            WHEN 'SOCIAL_SERVICE_AGENCY' THEN '52'
            WHEN 'FOUNDATION'            THEN '53'
            WHEN 'ENTERPRISE'            THEN '91'
            WHEN 'PUBLIC_INSTITUTION'    THEN '12'
            WHEN 'GOVERNMENT_AGENCY'     THEN '11'
        END
    ),
    -- Service categories are a text array rather than an enum array: Prisma's array filters
    -- cannot bind enum arrays on every driver adapter. The CHECK keeps the same value set.
    CONSTRAINT "organization_categories_known" CHECK ("categories" <@ ARRAY[
        'ELDERLY_CARE', 'CHILD_AND_YOUTH', 'DISABILITY', 'COMMUNITY_GOVERNANCE', 'SOCIAL_WORK',
        'TRAINING_AND_EMPLOYMENT', 'CULTURE_AND_SPORTS', 'HEALTH', 'LEGAL_AID', 'POVERTY_RELIEF',
        'ENVIRONMENT', 'VOLUNTEERING'
    ]::TEXT[]),
    CONSTRAINT "organization_registration_area_digits" CHECK ("registration_area" ~ '^[0-9]{12}$'),
    CONSTRAINT "organization_grade_range" CHECK ("grade" BETWEEN 1 AND 5),
    CONSTRAINT "organization_grade_with_validity" CHECK (
        ("grade" IS NULL AND "grade_awarded_on" IS NULL AND "grade_valid_until" IS NULL) OR
        ("grade" IS NOT NULL AND "grade_awarded_on" IS NOT NULL AND "grade_valid_until" > "grade_awarded_on")
    ),
    CONSTRAINT "organization_staff_count_non_negative" CHECK ("staff_count" >= 0),
    CONSTRAINT "organization_volunteer_count_non_negative" CHECK ("volunteer_count" >= 0),
    CONSTRAINT "organization_incubation_complete" CHECK (("incubator" IS NULL) = ("incubated_since" IS NULL)),
    CONSTRAINT "organization_version_positive" CHECK ("version" >= 1)
);
-- A credit code belongs to one organisation; filed organisations have none.
CREATE UNIQUE INDEX "organization_credit_code_key" ON "organizations"."organization" ("credit_code") WHERE "credit_code" IS NOT NULL;
-- Lists are ordered by name, then id; each filter has an index to start from.
CREATE INDEX "organization_name_id_idx" ON "organizations"."organization" ("name", "id");
CREATE INDEX "organization_kind_name_id_idx" ON "organizations"."organization" ("kind", "name", "id");
CREATE INDEX "organization_status_name_id_idx" ON "organizations"."organization" ("status", "name", "id");
CREATE INDEX "organization_grade_grade_valid_until_idx" ON "organizations"."organization" ("grade", "grade_valid_until") WHERE "grade" IS NOT NULL;
CREATE INDEX "organization_categories_idx" ON "organizations"."organization" USING GIN ("categories");
ALTER TABLE "organizations"."organization"
    ADD COLUMN "name_grams" TEXT[] NOT NULL GENERATED ALWAYS AS ("organizations"."name_grams"("name")) STORED;
CREATE INDEX "organization_name_grams_idx" ON "organizations"."organization" USING GIN ("name_grams");

-- The division codes an organisation serves. `prefix` lets SQL match areas by code prefix: the
-- area serves community C when C starts with it.
CREATE TABLE "organizations"."service_area" (
    "organization_id" UUID     NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "area_code"       CHAR(12) NOT NULL,
    "prefix"          TEXT     NOT NULL GENERATED ALWAYS AS ("organizations"."significant_prefix"("area_code")) STORED,
    PRIMARY KEY ("organization_id", "area_code"),
    CONSTRAINT "service_area_code_digits" CHECK ("area_code" ~ '^[0-9]{12}$')
);
-- text_pattern_ops serves both `prefix IN (…)` (areas above) and `prefix LIKE 'p%'` (areas below).
CREATE INDEX "service_area_prefix_organization_id_idx" ON "organizations"."service_area" ("prefix" text_pattern_ops, "organization_id");

-- Every status change, the registration included (from NULL), with its reason and actor.
CREATE TABLE "organizations"."status_change" (
    "id"              BIGSERIAL   NOT NULL PRIMARY KEY,
    "organization_id" UUID        NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "from_status"     "organizations"."OrganizationStatus",
    "to_status"       "organizations"."OrganizationStatus" NOT NULL,
    "reason"          TEXT        NOT NULL,
    "actor"           TEXT        NOT NULL,
    "request_id"      TEXT,
    "at"              TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "status_change_reason_not_blank" CHECK (btrim("reason") <> ''),
    CONSTRAINT "status_change_changes" CHECK ("from_status" IS DISTINCT FROM "to_status")
);
CREATE INDEX "status_change_organization_id_id_idx" ON "organizations"."status_change" ("organization_id", "id");

-- One annual report per organisation and year; correctable until the authority locks it.
CREATE TABLE "organizations"."annual_report" (
    "organization_id"            UUID          NOT NULL REFERENCES "organizations"."organization" ("id") ON DELETE CASCADE,
    "year"                       SMALLINT      NOT NULL,
    "total_income"               NUMERIC(16,2) NOT NULL,
    "government_purchase_income" NUMERIC(16,2) NOT NULL,
    "expenditure"                NUMERIC(16,2) NOT NULL,
    "filed_by"                   TEXT          NOT NULL,
    "filed_at"                   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at"                 TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "locked_at"                  TIMESTAMPTZ(6),
    "locked_by"                  TEXT,
    "version"                    INTEGER       NOT NULL DEFAULT 1,
    PRIMARY KEY ("organization_id", "year"),
    CONSTRAINT "annual_report_year_range" CHECK ("year" BETWEEN 1990 AND 2100),
    CONSTRAINT "annual_report_total_income_non_negative" CHECK ("total_income" >= 0),
    CONSTRAINT "annual_report_government_purchase_income_range" CHECK ("government_purchase_income" >= 0 AND "government_purchase_income" <= "total_income"),
    CONSTRAINT "annual_report_expenditure_non_negative" CHECK ("expenditure" >= 0),
    CONSTRAINT "annual_report_lock_complete" CHECK (("locked_at" IS NULL) = ("locked_by" IS NULL))
);

-- Who changed what, when and why; written in the same transaction as the change.
CREATE TABLE "organizations"."audit_event" (
    "id"          BIGSERIAL   NOT NULL PRIMARY KEY,
    "entity_type" TEXT        NOT NULL,
    "entity_id"   TEXT        NOT NULL,
    "action"      TEXT        NOT NULL,
    "actor"       TEXT        NOT NULL,
    "reason"      TEXT,
    "before"      JSONB,
    "after"       JSONB,
    "request_id"  TEXT,
    "at"          TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX "audit_event_entity_type_entity_id_at_idx" ON "organizations"."audit_event" ("entity_type", "entity_id", "at");
