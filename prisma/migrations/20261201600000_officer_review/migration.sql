-- Officer review: invitations (single use, expiring, stored hashed), decisions with their history,
-- officers' notice preferences, the queue's index, and an append-only audit log.

CREATE TYPE "decision_kind" AS ENUM ('confirmed', 'rejected', 'needs_more');
CREATE TYPE "notice_mode" AS ENUM ('immediate', 'digest');

-- An invitation to become an officer of a unit. Neither the link token nor the short code typed on Zalo
-- is stored: only their SHA-256 hashes. Used once (used_at), until expires_at, unless revoked.
CREATE TABLE "officer_invitations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "unit_id" UUID NOT NULL,
    "role" "officer_role" NOT NULL DEFAULT 'officer',
    "token_hash" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "used_by_person_id" UUID,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "officer_invitations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "officer_invitations_token_hash_key" ON "officer_invitations"("token_hash");
CREATE UNIQUE INDEX "officer_invitations_code_hash_key" ON "officer_invitations"("code_hash");
CREATE INDEX "officer_invitations_unit_id_idx" ON "officer_invitations"("unit_id");

-- Every decision on an assessment, in order: the first one and a lead's later revisions. The current
-- decision is also on the assessment (status, decided_at, decided_by_id, reason) for the queue and reports.
CREATE TABLE "assessment_decisions" (
    "id" BIGSERIAL NOT NULL,
    "assessment_id" UUID NOT NULL,
    "decision" "decision_kind" NOT NULL,
    "status_before" "assessment_status" NOT NULL,
    "revision" BOOLEAN NOT NULL DEFAULT false,
    "decided_by_person_id" UUID,
    "channel" "channel",
    "reason_code" TEXT,
    "reason" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "assessment_decisions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "assessment_decisions_assessment_id_idx" ON "assessment_decisions"("assessment_id");
CREATE INDEX "assessment_decisions_decided_at_idx" ON "assessment_decisions"("decided_at");

-- How an officer wants to hear of new submissions. mode NULL: immediate until the officer's units get
-- more than REVIEW_DIGEST_ABOVE submissions a day, then a daily digest.
CREATE TABLE "officer_preferences" (
    "person_id" UUID NOT NULL,
    "notice_mode" "notice_mode",
    "digest_hour" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "officer_preferences_pkey" PRIMARY KEY ("person_id"),
    CONSTRAINT "officer_preferences_digest_hour_range" CHECK ("digest_hour" IS NULL OR "digest_hour" BETWEEN 0 AND 23)
);

ALTER TABLE "officer_invitations" ADD CONSTRAINT "officer_invitations_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "officer_invitations" ADD CONSTRAINT "officer_invitations_used_by_person_id_fkey" FOREIGN KEY ("used_by_person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "assessment_decisions" ADD CONSTRAINT "assessment_decisions_assessment_id_fkey" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "assessment_decisions" ADD CONSTRAINT "assessment_decisions_decided_by_person_id_fkey" FOREIGN KEY ("decided_by_person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "officer_preferences" ADD CONSTRAINT "officer_preferences_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- SQL-only (Prisma cannot express partial indexes): the review queue, pending submissions of a unit
-- oldest first, read by keyset (submitted_at, id); person_id included so that counts (and the check
-- that an officer never sees their own) are index-only scans.
CREATE INDEX "assessments_review_queue" ON "assessments"("unit_id", "submitted_at", "id") INCLUDE ("person_id")
    WHERE "status" = 'submitted' AND "person_id" IS NOT NULL;
-- SQL-only: active officers of a unit (notices, reminders, authority checks).
CREATE INDEX "officers_active_unit" ON "officers"("unit_id", "role") WHERE "active";

-- The audit log is append-only: no UPDATE or DELETE, whoever asks.
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();
