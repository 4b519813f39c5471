-- Opt-outs attributed to the campaign message they came from (its button, or /stop as the reply to it).
ALTER TABLE "campaign_recipients" ADD COLUMN "opted_out_at" TIMESTAMPTZ(3);

-- Zalo promotion messages the OA sent on one local day across all campaigns (ZALO_PROMOTION_DAILY_LIMIT).
ALTER TABLE "campaign_zalo_days" ADD COLUMN "promotions" INTEGER NOT NULL DEFAULT 0;
