import { describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";

describe("loadConfig", () => {
  it("reaches the local PostgreSQL and Redis with no variables set", () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.databaseUrl).toBe("postgresql://postgres@127.0.0.1:5432/cdht");
    expect(result.config.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(result.config.telegram.mode).toBe("off");
  });

  it("names DATABASE_URL when it is not a PostgreSQL URL", () => {
    const result = loadConfig({ DATABASE_URL: "mysql://root@localhost/x" });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^DATABASE_URL: /)] });
  });

  it("reports every problem, one line each", () => {
    const result = loadConfig({ PORT: "seventy", REDIS_URL: "nope", TELEGRAM_MODE: "carrier-pigeon" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(":")[0]).sort()).toEqual(["PORT", "REDIS_URL", "TELEGRAM_MODE"]);
  });

  it("runs web and worker in one process unless ROLE says otherwise, and names a wrong ROLE", () => {
    const result = loadConfig({});
    expect(result.ok && result.config.role).toBe("all");
    const worker = loadConfig({ ROLE: "worker" });
    expect(worker.ok && worker.config.role).toBe("worker");
    const wrong = loadConfig({ ROLE: "both" });
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.problems.map((p) => p.split(":")[0])).toEqual(["ROLE"]);
  });

  it("keeps inbound ids 30 days and outbox rows 180 by default, and refuses a retention too short to deduplicate", () => {
    const result = loadConfig({});
    expect(result.ok && result.config.retention).toEqual({ inboundDays: 30, outboxDays: 180 });
    const short = loadConfig({ INBOUND_RETENTION_DAYS: "1", OUTBOX_RETENTION_DAYS: "many" });
    expect(short.ok).toBe(false);
    if (short.ok) return;
    expect(short.problems.map((p) => p.split(":")[0]).sort()).toEqual(["INBOUND_RETENTION_DAYS", "OUTBOX_RETENTION_DAYS"]);
  });

  it("tells a unit's leads but not the parent unit's officers by default; both are switches", () => {
    const result = loadConfig({});
    expect(result.ok && result.config.officerNotices).toEqual({ leads: true, parentUnit: false });
    const flipped = loadConfig({ NOTICE_UNIT_LEADS: "false", NOTICE_PARENT_UNIT_OFFICERS: "true" });
    expect(flipped.ok && flipped.config.officerNotices).toEqual({ leads: false, parentUnit: true });
    const bad = loadConfig({ NOTICE_UNIT_LEADS: "maybe" });
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/^NOTICE_UNIT_LEADS: must be true or false/)]);
  });

  it("requires a token and a webhook secret for Telegram webhook mode", () => {
    const result = loadConfig({ TELEGRAM_MODE: "webhook" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^TELEGRAM_BOT_TOKEN: required/),
      expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: required/),
    ]);
  });

  it("wants all Zalo settings or none", () => {
    const result = loadConfig({ ZALO_APP_ID: "123" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join("\n")).toMatch(/ZALO_OA_SECRET_KEY/);
    expect(result.problems.join("\n")).toMatch(/ZALO_TOKEN_KEY/);
  });

  it("paces campaigns at what the bulk lane can keep under each platform's limit, and refuses a faster pace", () => {
    const defaults = loadConfig({});
    if (!defaults.ok) throw new Error(defaults.problems.join("\n"));
    // Telegram 30/s less a tenth for replies, counted over 1.1 s: 24.5/s; Zalo 60/s: 49/s.
    expect(defaults.config.telegram.perSecond).toBe(30);
    expect(defaults.config.campaigns.telegramPerSecond).toBe(24);
    expect(defaults.config.campaigns.zaloPerSecond).toBe(49);
    const raised = loadConfig({ TELEGRAM_PER_SECOND: "250", CAMPAIGN_TELEGRAM_PER_SECOND: "200" });
    if (!raised.ok) throw new Error(raised.problems.join("\n"));
    expect(raised.config.campaigns.telegramPerSecond).toBe(200);
    const tooFast = loadConfig({ CAMPAIGN_TELEGRAM_PER_SECOND: "30", CAMPAIGN_ZALO_PER_SECOND: "50" });
    expect(tooFast.ok).toBe(false);
    if (tooFast.ok) return;
    expect(tooFast.problems).toEqual([
      "CAMPAIGN_TELEGRAM_PER_SECOND: at most 24.5 while TELEGRAM_PER_SECOND is 30 (a tenth of the limit stays free for replies, counted over 1.1 s)",
      "CAMPAIGN_ZALO_PER_SECOND: at most 49 while ZALO_PER_SECOND is 60 (a tenth of the limit stays free for replies, counted over 1.1 s)",
    ]);
  });

  it("treats empty strings as unset", () => {
    const result = loadConfig({ TELEGRAM_BOT_TOKEN: "", ADMIN_TOKEN: "  " });
    expect(result.ok).toBe(true);
  });

  it("requires secrets in production", () => {
    const result = loadConfig({ NODE_ENV: "production" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(":")[0])).toEqual(["ADMIN_TOKEN", "WEB_CHAT_SECRET", "DATA_HOLDER"]);
  });

  it("reads the review settings and wants escalation after the reminder and the parent after the escalation", () => {
    const ok = loadConfig({ REVIEW_REMIND_DAYS: "2", REVIEW_ESCALATE_DAYS: "5", REVIEW_PARENT_DAYS: "9" });
    expect(ok.ok && ok.config.review).toMatchObject({ remindDays: 2, escalateDays: 5, parentDays: 9, reviseDays: 14, inviteDays: 7 });
    const bad = loadConfig({ REVIEW_REMIND_DAYS: "7", REVIEW_ESCALATE_DAYS: "7", REVIEW_DIGEST_HOUR: "24" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.split(":")[0])).toEqual(["REVIEW_DIGEST_HOUR"]);
    const order = loadConfig({ REVIEW_REMIND_DAYS: "7", REVIEW_ESCALATE_DAYS: "7" });
    expect(order.ok ? [] : order.problems.map((p) => p.split(":")[0])).toEqual(["REVIEW_ESCALATE_DAYS"]);
  });
});
