-- The admin API lists a year's assessments newest first with a keyset cursor (started_at, id).
CREATE INDEX "assessments_year_started_at_id_idx" ON "assessments"("year", "started_at", "id");
