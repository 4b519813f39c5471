-- Admin API: the unit tree's levels (province → xã / phường / đặc khu → thôn / tổ dân phố), targets per
-- unit, year and target group (replacing the single units.target_percent), dashboard sessions and the
-- short-lived sign-in links officers receive in chat.
ALTER TYPE "unit_kind" ADD VALUE IF NOT EXISTS 'province';
ALTER TYPE "unit_kind" ADD VALUE IF NOT EXISTS 'ward';
ALTER TYPE "unit_kind" ADD VALUE IF NOT EXISTS 'special_zone';
ALTER TYPE "unit_kind" ADD VALUE IF NOT EXISTS 'residential_group';

ALTER TABLE "units" DROP COLUMN "target_percent";

CREATE TABLE "unit_targets" (
  "unit_id" UUID NOT NULL,
  "year" INTEGER NOT NULL,
  "target_group" "target_group" NOT NULL,
  "percent" INTEGER NOT NULL,
  "members" INTEGER,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "unit_targets_pkey" PRIMARY KEY ("unit_id", "year", "target_group"),
  CONSTRAINT "unit_targets_percent_check" CHECK ("percent" BETWEEN 0 AND 100),
  CONSTRAINT "unit_targets_members_check" CHECK ("members" IS NULL OR "members" >= 0)
);
ALTER TABLE "unit_targets" ADD CONSTRAINT "unit_targets_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "admin_sessions" (
  "token_hash" TEXT NOT NULL,
  "person_id" UUID,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("token_hash")
);
CREATE INDEX "admin_sessions_expires_at_idx" ON "admin_sessions"("expires_at");
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "sign_in_links" (
  "token_hash" TEXT NOT NULL,
  "person_id" UUID NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "used_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "sign_in_links_pkey" PRIMARY KEY ("token_hash")
);
CREATE INDEX "sign_in_links_expires_at_idx" ON "sign_in_links"("expires_at");
ALTER TABLE "sign_in_links" ADD CONSTRAINT "sign_in_links_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Reports count assessments per unit, year, target group and status; the covering index lets a
-- province's report read the index only.
CREATE INDEX "assessments_year_unit_id_target_group_status_idx" ON "assessments"("year", "unit_id", "target_group", "status");
