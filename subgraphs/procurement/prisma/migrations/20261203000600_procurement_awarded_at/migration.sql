-- The instant an award was decided: the OCDS award is dated by it (the notice day's midnight
-- came before the tender period's end when a tender closed and was evaluated the same day).
ALTER TABLE "procurement"."tender" ADD COLUMN "awarded_at" TIMESTAMPTZ(6);

-- Awards made before this column: the evaluation's audit entry, else the later of the deadline
-- and the notice day's start in the city (Asia/Shanghai), so no award predates its tender's end.
UPDATE "procurement"."tender" t
   SET "awarded_at" = COALESCE(
         (SELECT max(e."at") FROM "procurement"."audit_event" e
           WHERE e."entity_type" = 'Tender' AND e."entity_id" = t."id"::text AND e."action" = 'AWARD'),
         GREATEST(t."closes_at", t."award_notice_date"::timestamp AT TIME ZONE 'Asia/Shanghai'))
 WHERE t."status" = 'AWARDED';
