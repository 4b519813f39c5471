-- Fencing of outbox claims. Each holder of a chat's delivery lock draws a number from this sequence
-- (increasing even when Redis restarts empty); a row it claims for sending records that number, and
-- only the claimer may record the outcome. A later holder marks a row it finds still `sending`
-- "uncertain" only while the row is still held by the claim it saw, so a stale worker and a new one
-- never overwrite each other ("uncertain" never overwrites "sent").
CREATE SEQUENCE "outbox_claim_fence_seq";
ALTER TABLE "outbox" ADD COLUMN "claim_fence" BIGINT;
