-- Criteria sets in the database, so that a set is uploaded, previewed and published without a code change
-- and every process sees the same current set. An upload is a draft (checked clean before it is stored);
-- publishing stamps it. The current set of a target group is its most recently published one; every
-- published version stays, so an assessment finishes on the version it began with. The files in
-- rules/sets/ are loaded into an empty table as the first published versions.

CREATE TYPE "criteria_set_status" AS ENUM ('draft', 'published');

CREATE TABLE "criteria_sets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "set_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "target_group" "target_group" NOT NULL,
    -- sha256 of the set's canonical JSON (rules/hash.ts).
    "content_hash" TEXT NOT NULL,
    -- The set as parsed by the rules module.
    "body" JSONB NOT NULL,
    "status" "criteria_set_status" NOT NULL DEFAULT 'draft',
    -- Who uploaded and published it ("admin", "shipped", an officer's id).
    "uploaded_by" TEXT NOT NULL,
    "published_by" TEXT,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    CONSTRAINT "criteria_sets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "criteria_sets_published" CHECK (("status" = 'published') = ("published_at" IS NOT NULL))
);
-- One published row per set id and version: a changed set under a published version is refused.
CREATE UNIQUE INDEX "criteria_sets_published_version" ON "criteria_sets"("set_id", "version") WHERE "status" = 'published';
CREATE INDEX "criteria_sets_target_group_published_at_idx" ON "criteria_sets"("target_group", "published_at");
