// Configuration: read from the environment once, validated, then passed to whoever needs it.
// Nothing else in the code base reads process.env.
import { z } from "zod";
import { bulkCeiling } from "./outbox/budget.ts";

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** "true"/"false" (also 1/0, yes/no), with a default. */
const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  ROLE: z.enum(["web", "worker", "all"]).default("all"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).default("postgresql://postgres@127.0.0.1:5432/cdht"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: url(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/i, "letters, digits, '_' or '-' only").default("cdht"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: url(["http:", "https:"]).default("http://localhost:3000"),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .pipe(
      z.string().regex(/^(|false|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, "off (empty or false), a hop count (1), or proxy addresses/CIDRs separated by commas"),
    ),
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC… (from @BotFather)").optional(),
  ),
  TELEGRAM_BOT_USERNAME: optionalString,
  TELEGRAM_API_ROOT: url(["http:", "https:"]).default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "16–256 of A-Z a-z 0-9 _ -").optional(),
  ),
  TELEGRAM_MODE: z.enum(["webhook", "polling", "off"]).default("off"),
  ZALO_APP_ID: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_APP_SECRET_KEY: optionalString,
  ZALO_OA_ID: optionalString.pipe(z.string().regex(/^\d{5,25}$/, "the OA's numeric id").optional()),
  ZALO_OA_API_BASE: url(["http:", "https:"]).default("https://openapi.zalo.me"),
  ZALO_OAUTH_BASE: url(["http:", "https:"]).default("https://oauth.zaloapp.com"),
  ZALO_WINDOW_TEMPLATE: optionalString.pipe(
    z.string().regex(/^transaction_[a-z_]{1,40}$/, "a ZBS transaction template type such as transaction_education").optional(),
  ),
  ZALO_DECISION_TEMPLATE: optionalString.pipe(
    z.string().regex(/^transaction_[a-z_]{1,40}$/, "a ZBS transaction template type such as transaction_education").optional(),
  ),
  ZALO_PROMOTION_TEMPLATE: optionalString.pipe(
    z.string().regex(/^promotion[a-z_]{0,40}$/, "a ZBS promotion template type such as promotion").optional(),
  ),
  ZALO_TOKEN_KEY: optionalString.pipe(
    z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters (32 bytes)").optional(),
  ),
  ZALO_REPLAY_WINDOW_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  WEB_CHAT_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  INBOUND_RETENTION_DAYS: z.coerce.number().int().min(2).max(3650).default(30),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(180),
  // The consent text promises: kept in the evaluation year and this many years after, then erased.
  PERSONAL_DATA_YEARS_AFTER: z.coerce.number().int().min(1).max(10).default(1),
  // Web chat photos: caps per account and per assessment (count and megabytes); unreferenced ones pruned.
  WEB_UPLOADS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(100),
  WEB_UPLOAD_MB_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(200),
  WEB_UPLOADS_PER_ASSESSMENT: z.coerce.number().int().min(1).max(1_000).default(40),
  WEB_UPLOAD_MB_PER_ASSESSMENT: z.coerce.number().int().min(1).max(10_000).default(80),
  WEB_UPLOAD_ORPHAN_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
  TIME_ZONE: z.string().default("Asia/Ho_Chi_Minh"),
  CAMPAIGN_PERSON_DAILY_CAP: z.coerce.number().int().min(1).max(10).default(1),
  // The platforms' send limits (Telegram: about 30/s, 1000/s with paid broadcasts; Zalo: about 4000 calls
  // a minute per app), and the campaigns' pace within them (default: all the bulk lane can keep).
  TELEGRAM_PER_SECOND: z.coerce.number().int().min(2).max(1000).default(30),
  ZALO_PER_SECOND: z.coerce.number().int().min(2).max(1000).default(60),
  CAMPAIGN_TELEGRAM_PER_SECOND: optionalString.pipe(z.coerce.number<string | undefined>().positive().max(1000).optional()),
  CAMPAIGN_ZALO_PER_SECOND: optionalString.pipe(z.coerce.number<string | undefined>().positive().max(1000).optional()),
  ZALO_CONSULTATION_PRICE: z.coerce.number().int().min(0).max(100_000).default(0),
  ZALO_TEMPLATE_PRICE: z.coerce.number().int().min(0).max(100_000).default(300),
  CAMPAIGN_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  ZALO_TEMPLATE_DAILY_LIMIT: z.coerce.number().int().min(0).max(10_000_000).default(500),
  ZALO_PROMOTION_PRICE: z.coerce.number().int().min(0).max(100_000).default(300),
  /** Zalo: 500 a day for an OA of up to 10,000 followers, 5% of followers beyond. */
  ZALO_PROMOTION_DAILY_LIMIT: z.coerce.number().int().min(0).max(10_000_000).default(500),
  DATA_HOLDER: optionalString.pipe(z.string().max(200, "at most 200 characters").optional()),
  EVALUATION_YEAR_CUTOFF: optionalString.pipe(
    z.string().regex(/^01-(0[1-9]|[12][0-9]|3[01])$/, "must be a day of January as MM-DD, e.g. 01-15").optional(),
  ),
  WEB_CHAT_SECRET_FILE: z.string().min(1).default(".data/web-chat-secret"),
  LOG_REQUESTS: optionalString.pipe(z.enum(["true", "false"], "must be true or false").optional()),
  NOTICE_UNIT_LEADS: flag(true),
  NOTICE_PARENT_UNIT_OFFICERS: flag(false),
  // Officer review (issue 12)
  OFFICER_INVITE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  REVIEW_REMIND_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  REVIEW_ESCALATE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  REVIEW_PARENT_DAYS: z.coerce.number().int().min(1).max(120).default(14),
  REVIEW_REVISE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  REVIEW_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  REVIEW_DIGEST_ABOVE: z.coerce.number().int().min(1).max(100_000).default(20),
  REVIEW_QUEUE_PAGE: z.coerce.number().int().min(1).max(20).default(5),
});

type Env = z.infer<typeof schema>;

export type Role = Env["ROLE"];

export interface UploadQuota {
  perAccount: { count: number; bytes: number };
  perAssessment: { count: number; bytes: number };
}

export interface WebUploadLimits extends UploadQuota {
  orphanHours: number;
}

export interface Config {
  env: Env["NODE_ENV"];
  /** web: takes HTTP (webhooks, web chat, polling); worker: delivers the outbox and runs scheduled jobs; all: both. */
  role: Role;
  logLevel: Env["LOG_LEVEL"];
  databaseUrl: string;
  databasePoolMax: number;
  redisUrl: string;
  redisPrefix: string;
  host: string;
  port: number;
  publicBaseUrl: string;
  /**
   * Which proxies' X-Forwarded-For/-Host/-Proto to believe (for request.ip, per-IP limits and the
   * origin check): false (none, the default), a hop count, or proxy addresses/CIDRs.
   */
  trustProxy: false | number | string[];
  timeZone: string;
  shutdownTimeoutMs: number;
  /** Days kept: inbound event ids (deduplication) and finished outbox rows (also the web chat's history). */
  retention: { inboundDays: number; outboxDays: number };
  /**
   * Personal data is kept in the evaluation year and this many years after (the consent text says so),
   * then erased by a scheduled task (server/privacy/expiry.ts).
   */
  personalDataYearsAfter: number;
  /** Web chat photos: caps per web account and per open assessment; unreferenced ones go after orphanHours. */
  webUploads: WebUploadLimits;
  /** Whom a notice to "a unit's officers" reaches besides the unit's active officers. */
  officerNotices: { leads: boolean; parentUnit: boolean };
  adminToken?: string;
  webChatSecret?: string;
  /** Outside production without WEB_CHAT_SECRET: where the generated secret is kept across restarts. */
  webChatSecretFile: string;
  /** Who holds the citizens' data, named in the consent text (e.g. "Hội Khuyến học xã Hòa Bình"). */
  dataHolder?: string;
  /** "01-DD": assessments started up to this day of January count for the previous year. */
  evaluationYearCutoff?: string;
  /** Log every HTTP request (default: on in production, off elsewhere). */
  logRequests: boolean;
  review: ReviewSettings;
  telegram: {
    mode: Env["TELEGRAM_MODE"];
    token?: string;
    username?: string;
    apiRoot: string;
    webhookSecret?: string;
    /** Messages per second the bot may send in all (TELEGRAM_PER_SECOND). */
    perSecond: number;
  };
  campaigns: CampaignSettings;
  zalo: {
    appId?: string;
    oaSecretKey?: string;
    appSecretKey?: string;
    apiBase: string;
    oauthBase: string;
    tokenKey?: string;
    /** Signed events dated further than this from now are dropped (replays). */
    replayWindowMs: number;
    /** ZBS transaction template type for notices to citizens outside the 7-day window (unset: they wait). */
    windowTemplate?: string;
    /** ZBS transaction template type for officers' decisions to citizens outside the window (unset: ZALO_WINDOW_TEMPLATE). */
    decisionTemplate?: string;
    /** ZBS promotion template type for campaign messages to followers outside the 7-day window (one per user per day). */
    promotionTemplate?: string;
    /** The Official Account's id: posters link to https://zalo.me/<id>. */
    oaId?: string;
    /** Calls per second the OA may make in all (ZALO_PER_SECOND). */
    perSecond: number;
  };
}

/** Campaign pacing, caps and Zalo prices (they change with Zalo's packages: settings, not code). */
export interface CampaignSettings {
  /** Campaign messages one person gets per local day, across all campaigns. */
  personDailyCap: number;
  /** How often the worker's campaign tick runs (ms). */
  tickMs: number;
  /** The campaigns' pace per channel (messages per second): the bulk lane keeps to it and plans assume it. */
  telegramPerSecond: number;
  zaloPerSecond: number;
  zalo: {
    /** Đồng per proactive consultation message (inside the 7-day window; 0 while the OA's free quota lasts). */
    consultationPrice: number;
    /** Đồng per template (ZBS) message, for users outside the 7-day window. */
    templatePrice: number;
    /** ZALO_WINDOW_TEMPLATE: the ZBS transaction template that reaches citizens outside the window; none: they are not reached. */
    templateId?: string;
    /** Template messages the OA may send per day. */
    templateDailyLimit: number;
    /**
     * ZALO_PROMOTION_TEMPLATE: campaign messages to followers outside the window go as this promotion
     * template (preferred over the transaction template): at most one per user per day, 06:00–21:59.
     */
    promotionTemplate?: string;
    promotionPrice: number;
    /** Promotion messages the OA may send per day. */
    promotionDailyLimit: number;
  };
}

/** Officer review: invitations, reminders and escalation (days since submission), revisions, digests. */
export interface ReviewSettings {
  /** An officer invitation's default lifetime. */
  inviteDays: number;
  /** Pending longer: in the unit officers' next reminder. */
  remindDays: number;
  /** Pending longer: escalated to the unit's leads (to the parent unit's officers when it has no lead). */
  escalateDays: number;
  /** Pending longer: escalated to the parent unit's officers too, who may then decide it. */
  parentDays: number;
  /** A lead may revise a decision this many days after it was made (0: never). */
  reviseDays: number;
  /** Default hour (in TIME_ZONE) of an officer's daily digest. */
  digestHour: number;
  /** An officer without a chosen mode gets the digest instead of one notice each above this many a day. */
  digestAbove: number;
  /** Submissions shown per queue page. */
  queuePage: number;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses the environment; every problem is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.TELEGRAM_MODE !== "off" && !e.TELEGRAM_BOT_TOKEN) {
    problems.push(`TELEGRAM_BOT_TOKEN: required when TELEGRAM_MODE is ${e.TELEGRAM_MODE}`);
  }
  if (e.TELEGRAM_MODE === "webhook" && !e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE is webhook");
  }
  const zaloSet = [e.ZALO_APP_ID, e.ZALO_OA_SECRET_KEY, e.ZALO_TOKEN_KEY].filter(Boolean).length;
  if (zaloSet > 0 && zaloSet < 3) {
    for (const [name, value] of [
      ["ZALO_APP_ID", e.ZALO_APP_ID],
      ["ZALO_OA_SECRET_KEY", e.ZALO_OA_SECRET_KEY],
      ["ZALO_TOKEN_KEY", e.ZALO_TOKEN_KEY],
    ] as const) {
      if (!value) problems.push(`${name}: required when the Zalo channel is configured (set all of ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_TOKEN_KEY or none)`);
    }
  }
  if (e.REVIEW_ESCALATE_DAYS <= e.REVIEW_REMIND_DAYS) problems.push("REVIEW_ESCALATE_DAYS: must be more than REVIEW_REMIND_DAYS");
  if (e.REVIEW_PARENT_DAYS <= e.REVIEW_ESCALATE_DAYS) problems.push("REVIEW_PARENT_DAYS: must be more than REVIEW_ESCALATE_DAYS");
  if (e.NODE_ENV === "production" && !e.ADMIN_TOKEN) problems.push("ADMIN_TOKEN: required in production");
  if (e.NODE_ENV === "production" && !e.WEB_CHAT_SECRET) problems.push("WEB_CHAT_SECRET: required in production");
  const paces = [["TELEGRAM", e.CAMPAIGN_TELEGRAM_PER_SECOND, e.TELEGRAM_PER_SECOND], ["ZALO", e.CAMPAIGN_ZALO_PER_SECOND, e.ZALO_PER_SECOND]] as const;
  for (const [name, pace, limit] of paces) {
    if (pace !== undefined && pace > bulkCeiling(limit)) {
      problems.push(`CAMPAIGN_${name}_PER_SECOND: at most ${Math.floor(bulkCeiling(limit) * 10) / 10} while ${name}_PER_SECOND is ${limit} (a tenth of the limit stays free for replies, counted over 1.1 s)`);
    }
  }
  if (e.NODE_ENV === "production" && !e.DATA_HOLDER) problems.push("DATA_HOLDER: required in production (who holds the citizens' data, named in the consent text)");
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      env: e.NODE_ENV,
      role: e.ROLE,
      logLevel: e.LOG_LEVEL,
      databaseUrl: e.DATABASE_URL,
      databasePoolMax: e.DATABASE_POOL_MAX,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ""),
      trustProxy:
        e.TRUST_PROXY === "" || e.TRUST_PROXY === "false"
          ? false
          : /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY.split(",").map((a) => a.trim()),
      timeZone: e.TIME_ZONE,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      retention: { inboundDays: e.INBOUND_RETENTION_DAYS, outboxDays: e.OUTBOX_RETENTION_DAYS },
      personalDataYearsAfter: e.PERSONAL_DATA_YEARS_AFTER,
      webUploads: {
        perAccount: { count: e.WEB_UPLOADS_PER_ACCOUNT, bytes: e.WEB_UPLOAD_MB_PER_ACCOUNT * 1024 * 1024 },
        perAssessment: { count: e.WEB_UPLOADS_PER_ASSESSMENT, bytes: e.WEB_UPLOAD_MB_PER_ASSESSMENT * 1024 * 1024 },
        orphanHours: e.WEB_UPLOAD_ORPHAN_HOURS,
      },
      officerNotices: { leads: e.NOTICE_UNIT_LEADS, parentUnit: e.NOTICE_PARENT_UNIT_OFFICERS },
      adminToken: e.ADMIN_TOKEN,
      webChatSecret: e.WEB_CHAT_SECRET,
      webChatSecretFile: e.WEB_CHAT_SECRET_FILE,
      dataHolder: e.DATA_HOLDER,
      evaluationYearCutoff: e.EVALUATION_YEAR_CUTOFF,
      logRequests: e.LOG_REQUESTS === undefined ? e.NODE_ENV === "production" : e.LOG_REQUESTS === "true",
      review: {
        inviteDays: e.OFFICER_INVITE_DAYS,
        remindDays: e.REVIEW_REMIND_DAYS,
        escalateDays: e.REVIEW_ESCALATE_DAYS,
        parentDays: e.REVIEW_PARENT_DAYS,
        reviseDays: e.REVIEW_REVISE_DAYS,
        digestHour: e.REVIEW_DIGEST_HOUR,
        digestAbove: e.REVIEW_DIGEST_ABOVE,
        queuePage: e.REVIEW_QUEUE_PAGE,
      },
      telegram: {
        mode: e.TELEGRAM_MODE,
        token: e.TELEGRAM_BOT_TOKEN,
        username: e.TELEGRAM_BOT_USERNAME,
        apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
        webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
        perSecond: e.TELEGRAM_PER_SECOND,
      },
      campaigns: {
        personDailyCap: e.CAMPAIGN_PERSON_DAILY_CAP,
        tickMs: e.CAMPAIGN_TICK_MS,
        telegramPerSecond: e.CAMPAIGN_TELEGRAM_PER_SECOND ?? Math.floor(bulkCeiling(e.TELEGRAM_PER_SECOND)),
        zaloPerSecond: e.CAMPAIGN_ZALO_PER_SECOND ?? Math.floor(bulkCeiling(e.ZALO_PER_SECOND)),
        zalo: {
          consultationPrice: e.ZALO_CONSULTATION_PRICE,
          templatePrice: e.ZALO_TEMPLATE_PRICE,
          templateId: e.ZALO_WINDOW_TEMPLATE,
          templateDailyLimit: e.ZALO_TEMPLATE_DAILY_LIMIT,
          promotionTemplate: e.ZALO_PROMOTION_TEMPLATE,
          promotionPrice: e.ZALO_PROMOTION_PRICE,
          promotionDailyLimit: e.ZALO_PROMOTION_DAILY_LIMIT,
        },
      },
      zalo: {
        appId: e.ZALO_APP_ID,
        oaSecretKey: e.ZALO_OA_SECRET_KEY,
        appSecretKey: e.ZALO_APP_SECRET_KEY,
        apiBase: e.ZALO_OA_API_BASE.replace(/\/+$/, ""),
        oauthBase: e.ZALO_OAUTH_BASE.replace(/\/+$/, ""),
        tokenKey: e.ZALO_TOKEN_KEY,
        replayWindowMs: e.ZALO_REPLAY_WINDOW_HOURS * 3_600_000,
        windowTemplate: e.ZALO_WINDOW_TEMPLATE,
        decisionTemplate: e.ZALO_DECISION_TEMPLATE,
        promotionTemplate: e.ZALO_PROMOTION_TEMPLATE,
        oaId: e.ZALO_OA_ID,
        perSecond: e.ZALO_PER_SECOND,
      },
    },
  };
}
