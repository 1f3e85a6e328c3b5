-- Reads "under an area" compare a CHAR(12) code with a range (lib/auth codesWithPrefix), which
-- Prisma can express and a default-operator-class btree serves in any database locale. The
-- pattern-operator-class indexes these replace served LIKE only, so Prisma's filters (a range,
-- or startsWith, which casts the column to text) scanned every project and contract.
DROP INDEX "procurement"."project_area_code_id_idx";
CREATE INDEX "project_area_code_id_idx" ON "procurement"."project" ("area_code", "id");
DROP INDEX "procurement"."contract_area_code_ends_on_id_idx";
CREATE INDEX "contract_area_code_ends_on_id_idx" ON "procurement"."contract" ("area_code", "ends_on", "id");
