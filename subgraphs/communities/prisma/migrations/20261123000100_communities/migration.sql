-- The communities registry: the division ladder and each community's figures and contacts.
CREATE SCHEMA IF NOT EXISTS "communities";

CREATE TYPE "communities"."AreaLevel" AS ENUM ('CITY', 'DISTRICT', 'STREET', 'COMMUNITY');

CREATE TABLE "communities"."area" (
    "code"          CHAR(12)    NOT NULL PRIMARY KEY,
    "name"          TEXT        NOT NULL,
    "level"         "communities"."AreaLevel" NOT NULL,
    "parent_code"   CHAR(12)    REFERENCES "communities"."area" ("code"),
    "official_code" BOOLEAN     NOT NULL DEFAULT TRUE,
    "created_at"    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "area_code_digits" CHECK ("code" ~ '^[0-9]{12}$'),
    CONSTRAINT "area_name_not_blank" CHECK (btrim("name") <> ''),
    -- Only a city stands at the top of the ladder; every lower rung has a parent.
    CONSTRAINT "area_parent_by_level" CHECK (("level" = 'CITY') = ("parent_code" IS NULL)),
    -- The code's zero padding matches its rung: city 4 digits, district 6, street 9, community 12.
    CONSTRAINT "area_code_matches_level" CHECK (
        ("level" = 'CITY'      AND substr("code", 5) = '00000000' AND substr("code", 3, 2) <> '00') OR
        ("level" = 'DISTRICT'  AND substr("code", 7) = '000000'   AND substr("code", 5, 2) <> '00') OR
        ("level" = 'STREET'    AND substr("code", 10) = '000'     AND substr("code", 7, 3) <> '000') OR
        ("level" = 'COMMUNITY' AND substr("code", 10, 3) <> '000')
    )
);
CREATE INDEX "area_parent_code_code_idx" ON "communities"."area" ("parent_code", "code");

CREATE TABLE "communities"."community" (
    "code"                    CHAR(12) NOT NULL PRIMARY KEY REFERENCES "communities"."area" ("code"),
    "households"              INTEGER  NOT NULL DEFAULT 0 CHECK ("households" >= 0),
    "population"              INTEGER  NOT NULL DEFAULT 0 CHECK ("population" >= 0),
    "committee_contact"       TEXT,
    "committee_phone"         TEXT,
    "service_station_address" TEXT,
    "service_station_phone"   TEXT,
    "version"                 INTEGER  NOT NULL DEFAULT 1,
    "updated_at"              TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);

-- Who changed what, when and why; written in the same transaction as the change.
CREATE TABLE "communities"."audit_event" (
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
CREATE INDEX "audit_event_entity_type_entity_id_at_idx" ON "communities"."audit_event" ("entity_type", "entity_id", "at");

-- Name search: Chinese names have no word breaks and pg_trgm ignores CJK characters under the C
-- locale, so names are indexed by their single characters and character pairs (GIN).
CREATE FUNCTION "communities"."name_grams"("s" TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(lower(s), i, 1) AS g FROM generate_series(1, length(s)) AS i
        UNION
        SELECT substr(lower(s), i, 2) FROM generate_series(1, length(s) - 1) AS i
    ) AS grams
$$;
ALTER TABLE "communities"."area"
    ADD COLUMN "name_grams" TEXT[] NOT NULL GENERATED ALWAYS AS ("communities"."name_grams"("name")) STORED;
CREATE INDEX "area_name_grams_idx" ON "communities"."area" USING GIN ("name_grams");
