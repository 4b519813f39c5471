-- Initial data model: units, people, channel accounts, officers, assessments, audit log,
-- inbound event dedupe and the outbox.

CREATE TYPE "unit_kind" AS ENUM ('agency', 'enterprise', 'school', 'commune', 'village');
CREATE TYPE "target_group" AS ENUM ('worker', 'public_servant', 'student', 'resident');
CREATE TYPE "channel" AS ENUM ('telegram', 'zalo', 'web');
CREATE TYPE "officer_role" AS ENUM ('officer', 'lead');
CREATE TYPE "assessment_status" AS ENUM ('in_progress', 'submitted', 'confirmed', 'rejected', 'needs_more', 'withdrawn');
CREATE TYPE "outbox_status" AS ENUM ('pending', 'sending', 'sent', 'failed', 'uncertain');

CREATE TABLE "units" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "unit_kind" NOT NULL,
    "parent_id" UUID,
    "area" TEXT,
    "member_count" INTEGER,
    "target_percent" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "units_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "units_code_upper" CHECK ("code" = upper("code") AND "code" ~ '^[A-Z0-9_-]{2,32}$'),
    CONSTRAINT "units_target_percent_range" CHECK ("target_percent" IS NULL OR "target_percent" BETWEEN 0 AND 100)
);
CREATE UNIQUE INDEX "units_code_key" ON "units"("code");
CREATE INDEX "units_parent_id_idx" ON "units"("parent_id");

CREATE TABLE "people" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "full_name" TEXT,
    "birth_year" INTEGER,
    "phone" TEXT,
    "target_group" "target_group",
    "unit_id" UUID,
    "language" TEXT NOT NULL DEFAULT 'vi',
    "consent_version" TEXT,
    "consent_at" TIMESTAMPTZ(3),
    "opt_out_at" TIMESTAMPTZ(3),
    "erased_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "people_unit_id_idx" ON "people"("unit_id");

CREATE TABLE "channel_accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "channel" "channel" NOT NULL,
    "external_id" TEXT NOT NULL,
    "person_id" UUID,
    "state" JSONB,
    "last_interaction_at" TIMESTAMPTZ(3),
    "reachable" BOOLEAN NOT NULL DEFAULT true,
    "unreachable_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channel_accounts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "channel_accounts_channel_external_id_key" ON "channel_accounts"("channel", "external_id");
CREATE INDEX "channel_accounts_person_id_idx" ON "channel_accounts"("person_id");

CREATE TABLE "officers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "role" "officer_role" NOT NULL DEFAULT 'officer',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "officers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "officers_person_id_unit_id_key" ON "officers"("person_id", "unit_id");
CREATE INDEX "officers_unit_id_idx" ON "officers"("unit_id");

CREATE TABLE "assessments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID,
    "unit_id" UUID,
    "target_group" "target_group" NOT NULL,
    "set_id" TEXT NOT NULL,
    "set_version" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "status" "assessment_status" NOT NULL DEFAULT 'in_progress',
    "answers" JSONB NOT NULL DEFAULT '{}',
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "score" JSONB,
    "total" INTEGER,
    "verdict" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" UUID,
    "reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "assessments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "assessments_unit_id_year_status_idx" ON "assessments"("unit_id", "year", "status");
CREATE INDEX "assessments_person_id_year_idx" ON "assessments"("person_id", "year");
-- SQL-only (Prisma cannot express partial indexes): one open assessment per person and year.
CREATE UNIQUE INDEX "assessments_one_open_per_person_year" ON "assessments"("person_id", "year")
    WHERE "status" NOT IN ('withdrawn', 'rejected');

CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "assessment_id" UUID,
    "details" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_assessment_id_idx" ON "audit_log"("assessment_id");
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

CREATE TABLE "inbound_events" (
    "id" BIGSERIAL NOT NULL,
    "channel" "channel" NOT NULL,
    "external_event_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inbound_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "inbound_events_channel_external_event_id_key" ON "inbound_events"("channel", "external_event_id");
CREATE INDEX "inbound_events_received_at_idx" ON "inbound_events"("received_at");

CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "channel" "channel" NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "outbox_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "platform_message_id" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_idempotency_key_key" ON "outbox"("idempotency_key");
CREATE INDEX "outbox_channel_recipient_id_idx" ON "outbox"("channel", "recipient", "id");
CREATE INDEX "outbox_status_next_attempt_at_idx" ON "outbox"("status", "next_attempt_at");

ALTER TABLE "units" ADD CONSTRAINT "units_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "units"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "people" ADD CONSTRAINT "people_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "channel_accounts" ADD CONSTRAINT "channel_accounts_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "officers" ADD CONSTRAINT "officers_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "officers" ADD CONSTRAINT "officers_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE SET NULL ON UPDATE CASCADE;
