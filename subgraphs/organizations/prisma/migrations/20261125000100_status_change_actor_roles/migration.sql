-- The public sees who acted by role and organisation; the token subject stays for officers
-- whose jurisdiction covers the record (issue 6).
ALTER TABLE "organizations"."status_change"
  ADD COLUMN "actor_roles" TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN "actor_org" TEXT;
