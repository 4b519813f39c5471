-- The record an outbox message is about (an officer's notice of a submission: the assessment), so a
-- later event can find the notices it changes: a withdrawal edits each officer's card in place.
ALTER TABLE "outbox" ADD COLUMN "subject_id" UUID;
CREATE INDEX "outbox_subject_id_idx" ON "outbox"("subject_id");
