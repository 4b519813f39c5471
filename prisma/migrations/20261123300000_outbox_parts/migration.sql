-- A message longer than a platform's limit goes out in several parts: the parts already delivered are
-- recorded with the row, so that a retry – in any process – resumes after them instead of repeating them.
ALTER TABLE "outbox" ADD COLUMN "parts_sent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "last_part_id" TEXT;
