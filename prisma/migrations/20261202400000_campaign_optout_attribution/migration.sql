-- Opt-outs attributed to the campaign message they came from (its button, or /stop as the reply to it).
ALTER TABLE "campaign_recipients" ADD COLUMN "opted_out_at" TIMESTAMPTZ(3);
