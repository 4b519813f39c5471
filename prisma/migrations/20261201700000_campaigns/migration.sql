-- Learning Week campaigns: a campaign (audience, schedule, send window, Zalo budget), its rounds (the
-- day each goes out and how far its recipients are materialised), one recipient row per
-- (campaign, round, person) – the durable queue a crash or a restart resumes from without sending twice –
-- the per-person count of campaign messages per local day (the cap across all campaigns) and the OA's
-- count of Zalo template messages per day.

CREATE TYPE "campaign_status" AS ENUM ('draft', 'running', 'paused', 'cancelled', 'finished');
CREATE TYPE "campaign_recipient_status" AS ENUM ('pending', 'claimed', 'queued', 'skipped');

CREATE TABLE "campaigns" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "preset" TEXT,
    "year" INTEGER NOT NULL,
    "theme" TEXT,
    "signature" TEXT,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    -- Daily send window in minutes after local midnight (deployment time zone): never 22:00–06:00.
    "window_start_min" SMALLINT NOT NULL DEFAULT 480,
    "window_end_min" SMALLINT NOT NULL DEFAULT 1200,
    -- Unit subtrees, target groups, statuses, channels (validated by server/campaigns/definition.ts).
    "audience" JSONB NOT NULL,
    -- Rounds: day, audience kind, statuses, message per language with placeholders, buttons.
    "rounds" JSONB NOT NULL,
    -- Zalo budget and spending in đồng; NULL budget = no paid Zalo message at all.
    "zalo_budget" BIGINT,
    "zalo_spent" BIGINT NOT NULL DEFAULT 0,
    "status" "campaign_status" NOT NULL DEFAULT 'draft',
    -- Why the campaign stopped or holds back (e.g. "zalo_budget"), for `campaign status`.
    "status_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "campaigns_dates" CHECK ("starts_on" <= "ends_on"),
    CONSTRAINT "campaigns_window" CHECK ("window_start_min" >= 360 AND "window_end_min" <= 1320 AND "window_start_min" < "window_end_min"),
    CONSTRAINT "campaigns_budget" CHECK ("zalo_budget" IS NULL OR "zalo_budget" >= 0)
);
CREATE INDEX "campaigns_status_idx" ON "campaigns"("status");
CREATE INDEX "campaigns_created_at_idx" ON "campaigns"("created_at");

CREATE TABLE "campaign_rounds" (
    "campaign_id" UUID NOT NULL,
    "round" SMALLINT NOT NULL,
    "send_on" DATE NOT NULL,
    -- Keyset cursor of the materialisation (last people.id done) and rows written so far.
    "cursor" UUID,
    "materialised" INTEGER NOT NULL DEFAULT 0,
    "materialised_at" TIMESTAMPTZ(3),
    CONSTRAINT "campaign_rounds_pkey" PRIMARY KEY ("campaign_id", "round")
);

-- No foreign keys here, by measurement: on this machine kind they made materialising a million rows
-- five times slower. Rows are written only by the materialisation (campaign ids it has just read), and
-- erasing a person deletes their rows in the same transaction (server/conversation/effects.ts).
CREATE TABLE "campaign_recipients" (
    "campaign_id" UUID NOT NULL,
    "round" SMALLINT NOT NULL,
    "person_id" UUID NOT NULL,
    "account_id" UUID,
    "channel" "channel",
    "status" "campaign_recipient_status" NOT NULL DEFAULT 'pending',
    -- Skipped: opted_out, unreachable, erased, outside_window, cap, budget, cancelled;
    -- pending: why it waits (outside_window, cap).
    "reason" TEXT,
    -- Zalo: consultation or template, and what it cost (đồng).
    "zalo_kind" TEXT,
    "cost" INTEGER NOT NULL DEFAULT 0,
    "outbox_id" BIGINT,
    "claimed_at" TIMESTAMPTZ(3),
    "queued_at" TIMESTAMPTZ(3),
    CONSTRAINT "campaign_recipients_pkey" PRIMARY KEY ("campaign_id", "round", "person_id")
);
CREATE INDEX "campaign_recipients_person_id_idx" ON "campaign_recipients"("person_id");
-- SQL-only: the dispatcher's scan of the rows still to send.
CREATE INDEX "campaign_recipients_open" ON "campaign_recipients"("campaign_id", "round", "person_id")
    WHERE "status" IN ('pending', 'claimed');

CREATE TABLE "campaign_person_days" (
    "person_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "sent" SMALLINT NOT NULL DEFAULT 0,
    CONSTRAINT "campaign_person_days_pkey" PRIMARY KEY ("person_id", "day")
);

-- Zalo template messages the OA sent per local day across all campaigns (its daily limit).
CREATE TABLE "campaign_zalo_days" (
    "day" DATE NOT NULL,
    "templates" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "campaign_zalo_days_pkey" PRIMARY KEY ("day")
);

ALTER TABLE "campaign_rounds" ADD CONSTRAINT "campaign_rounds_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "campaign_person_days" ADD CONSTRAINT "campaign_person_days_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
