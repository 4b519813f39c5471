-- Addressed output and system events (issue 10).
-- Each outbox row waits in a lane: reply (to the chat that just wrote), notice (officer notices,
-- decisions, reminders) or bulk (campaigns); reply_to is the platform's id of the message the row
-- answers (Zalo: the citizen's msg_id, so that the reply is billed as a reply).
CREATE TYPE "lane" AS ENUM ('reply', 'notice', 'bulk');
ALTER TABLE "outbox" ADD COLUMN "lane" "lane" NOT NULL DEFAULT 'reply',
ADD COLUMN "reply_to" TEXT;

-- Ids of system events (no chat sent them) already applied: a retried job applies once.
CREATE TABLE "system_events" (
    "event_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "system_events_pkey" PRIMARY KEY ("event_id")
);
CREATE INDEX "system_events_received_at_idx" ON "system_events"("received_at");

-- Button data longer than Telegram's 64 bytes travels as a short token that refers to a row here.
CREATE TABLE "button_tokens" (
    "token" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "button_tokens_pkey" PRIMARY KEY ("token")
);
CREATE INDEX "button_tokens_expires_at_idx" ON "button_tokens"("expires_at");
