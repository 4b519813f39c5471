// The composition root: builds every client from the configuration once, wires the channels, the
// inbound pipeline and the outbox workers, and owns their orderly shutdown.
import type { FastifyInstance } from "fastify";
import type { Bot } from "grammy";
import type pg from "pg";
import { commandMenu } from "../bot/engine/index.ts";
import { createTranslateSync } from "../bot/i18n.ts";
import type { ChannelName, CriteriaCatalog } from "../bot/types.ts";
import { loadShippedSets } from "../rules/load-file.ts";
import { chartRoutes } from "./api/chart-routes.ts";
import { criteriaRoutes } from "./api/criteria-routes.ts";
import { effectRoutes } from "./api/effect-routes.ts";
import { adminApi } from "./api/index.ts";
import { opsRoutes } from "./api/ops-routes.ts";
import { criteriaDashboardRoutes } from "./dashboard/criteria.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { buildApp } from "./app.ts";
import { createTelegramApi, createTelegramBot, POLL_TIMEOUT_SECONDS } from "./channels/telegram/bot.ts";
import { createZaloChannel, type ZaloChannel } from "./channels/zalo/wiring.ts";
import { ZALO_RECIPIENT_INTERVAL_MS } from "./channels/zalo/sender.ts";
import { telegramWebhookRoutes } from "./channels/telegram/routes.ts";
import { createTelegramSender, TELEGRAM_LIMITS } from "./channels/telegram/sender.ts";
import type { Config } from "./config.ts";
import { DroppedInputs } from "./edge/drops.ts";
import { createPipeline, type Pipeline } from "./conversation/pipeline.ts";
import type { HandleSystem } from "./conversation/types.ts";
import { LiveCatalog } from "./criteria/catalog.ts";
import { createDatabase, type Database } from "./db/client.ts";
import { postgresCheck, redisCheck, type Check } from "./health.ts";
import type { Logger } from "./logger.ts";
import { createAckQueue } from "./outbox/acks.ts";
import { createDeliveryNotifier, type DeliveryQueues } from "./outbox/notify.ts";
import { retentionTask } from "./maintenance/retention.ts";
import { expiryTask } from "./privacy/expiry.ts";
import { sweepOnce } from "./outbox/sweeper.ts";
import { Scheduler } from "./schedule/scheduler.ts";
import { runCampaignTick, type CampaignTickDeps } from "./campaigns/tick.ts";
import type { ChannelSender } from "./outbox/types.ts";
import { createBulkQueue, createOutboxQueue, OutboxDelivery, type DeliveryOptions } from "./outbox/worker.ts";
import { createFailFastRedis, createProbeRedis, createRedis, type Redis } from "./redis.ts";
import { createReviewHook } from "./review/hook.ts";
import { createSignInLink } from "./api/sessions.ts";
import { chatReport } from "./reports/chat-report.ts";
import { EVIDENCE_LINK_TTL_MS, evidenceRoutes, type EvidenceLinks } from "./review/evidence.ts";
import { resolveWebSecret } from "./channels/web/index.ts";
import { reviewTasks } from "./review/jobs.ts";
import { CachedUnitDirectory } from "./units/directory.ts";

/** Version of the consent text in locales (consent.*); bump it when that text changes. */
export const CONSENT_VERSION = "luat91-2026.1";

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  /** Platform input that passed its secret or signature but could never be applied, counted. */
  drops: DroppedInputs;
  app: FastifyInstance;
  handleInbound: Pipeline;
  /** The entry for system events (reminders, decisions, campaign messages): handleInbound.handleSystem. */
  handleSystem: HandleSystem;
  units: CachedUnitDirectory;
  /** The published criteria sets, reloaded when any process publishes one. */
  criteria: LiveCatalog;
  /** Prometheus metrics of this process (GET /metrics). */
  metrics: Metrics;
  deliveries: Map<ChannelName, OutboxDelivery>;
  /** Scheduled jobs (worker role only): others register their tasks here. */
  scheduler?: Scheduler;
  telegram?: Bot;
  zalo?: ZaloChannel;
  /** Starts long polling when TELEGRAM_MODE=polling (after listen). */
  start(): Promise<void>;
  /** Stops taking requests, lets workers finish, closes queues, the pool and Redis. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Extra senders (tests, web chat) keyed by channel; replace the configured ones. */
  senders?: ChannelSender[];
  /** false: no outbox delivery workers nor scheduled jobs in this process, whatever ROLE says. */
  workers?: boolean;
  sweepIntervalMs?: number;
  now?: () => Date;
  /** Overrides of the Telegram sender's pacing (tests that are not about pacing). */
  telegramLimits?: { globalPerSecond: number; perRecipientIntervalMs: number };
  /** Overrides of the Zalo sender's pacing (tests that are not about pacing). */
  zaloLimits?: { globalPerSecond: number; perRecipientIntervalMs: number };
  /** Delivery worker tuning (tests). */
  delivery?: Partial<Pick<DeliveryOptions, "lockTtlMs" | "backoffBaseMs" | "concurrency" | "bulkConcurrency" | "maxAttempts">>;
  /** Route plugins built from the runtime's clients (the web chat), registered after the channels' own. */
  extraRoutes?: (deps: RouteDeps) => ((app: FastifyInstance) => Promise<void>)[];
}

/** What extraRoutes may use. */
export interface RouteDeps {
  handleInbound: Pipeline;
  pool: pg.Pool;
  redis: Redis;
  config: Config;
  logger: Logger;
  criteria: CriteriaCatalog;
}

/** What the consent promises on time (PERSONAL_DATA_YEARS_AFTER), as the expiry task keeps it. */
export function expirySettings(config: Config) {
  return {
    yearsAfter: config.personalDataYearsAfter,
    timeZone: config.timeZone,
    ...(config.evaluationYearCutoff ? { yearCutoff: config.evaluationYearCutoff } : {}),
  };
}

export class StartupError extends Error {}

/** Telegram's command menu in Vietnamese (the default) and English; a failure only costs the menu. */
async function setTelegramMenu(bot: Bot, logger: Logger): Promise<void> {
  const t = createTranslateSync();
  try {
    await bot.api.setMyCommands(commandMenu(t, "vi"));
    await bot.api.setMyCommands(commandMenu(t, "vi"), { language_code: "vi" });
    await bot.api.setMyCommands(commandMenu(t, "en"), { language_code: "en" });
  } catch (err) {
    logger.warn({ err }, "could not set the Telegram command menu");
  }
}

export async function checkDatabase(db: Database, url: string): Promise<void> {
  try {
    await db.pool.query("SELECT 1");
  } catch (error) {
    const safe = new URL(url);
    if (safe.password) safe.password = "***";
    throw new StartupError(`DATABASE_URL: cannot connect to ${safe.toString()}: ${(error as Error).message}`);
  }
}

export async function createRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const db = createDatabase({ url: config.databaseUrl, max: config.databasePoolMax });
  try {
    await checkDatabase(db, config.databaseUrl);
  } catch (error) {
    await db.close();
    throw error;
  }
  // Every connection carries the key prefix as its name (CLIENT LIST shows whose it is).
  const named = { connectionName: config.redisPrefix };
  const redis = createRedis(config.redisUrl, named);
  let criteria: LiveCatalog;
  try {
    criteria = await LiveCatalog.start({ pool: db.pool, redis, prefix: config.redisPrefix, logger, shipped: await loadShippedSets() });
  } catch (error) {
    redis.disconnect();
    await db.close();
    throw error;
  }
  const probe = createProbeRedis(config.redisUrl, named);
  // The enqueue after a webhook's commit has its own connection and queues, which never wait on Redis.
  const notifyRedis = createFailFastRedis(config.redisUrl, named);
  const notifyQueues: DeliveryQueues = { messages: new Map(), bulk: new Map(), acks: new Map() };
  const units = new CachedUnitDirectory(db.pool);
  // ROLE=web takes HTTP only; ROLE=worker delivers and runs scheduled jobs (and answers health checks).
  const web = config.role !== "worker";
  const worker = config.role !== "web" && options.workers !== false;
  const queues: DeliveryQueues = { messages: new Map(), bulk: new Map(), acks: new Map() };
  const deliveries = new Map<ChannelName, OutboxDelivery>();
  const drops = new DroppedInputs();
  const checks: Record<string, Check> = { postgres: postgresCheck(db.pool), redis: redisCheck(probe) };

  const t = createTranslateSync();
  // Officers open web uploads through signed links, when this deployment has the web chat.
  const evidenceLinks: EvidenceLinks | undefined = options.senders?.some((s) => s.channel === "web")
    ? { secret: resolveWebSecret(config, logger), baseUrl: config.publicBaseUrl, ttlMs: EVIDENCE_LINK_TTL_MS }
    : undefined;
  const handleInbound = createPipeline({
    pool: db.pool,
    units,
    criteria,
    context: {
      t,
      consentVersion: CONSENT_VERSION,
      timeZone: config.timeZone,
      ...(config.dataHolder ? { dataHolder: config.dataHolder } : {}),
      ...(config.evaluationYearCutoff ? { yearCutoff: config.evaluationYearCutoff } : {}),
      retentionYears: config.personalDataYearsAfter,
    },
    review: createReviewHook(config.review, t, {
      signInLink: (client, personId, at) => createSignInLink(client, personId, config.publicBaseUrl, at),
      report: (client, input) => chatReport(client, { ...input, timeZone: config.timeZone }),
      ...(evidenceLinks ? { links: evidenceLinks } : {}),
    }),
    logger,
    officers: config.officerNotices,
    now: options.now,
    notify: createDeliveryNotifier(notifyQueues),
  });

  const senders = new Map<ChannelName, ChannelSender>();
  const routes: ((app: FastifyInstance) => Promise<void>)[] = [];
  let telegram: Bot | undefined;
  if (config.telegram.mode !== "off") {
    telegram = createTelegramBot(config.telegram, handleInbound, logger, drops);
    senders.set("telegram", createTelegramSender(createTelegramApi(config.telegram), options.telegramLimits ?? { ...TELEGRAM_LIMITS, globalPerSecond: config.telegram.perSecond }));
    if (web && config.telegram.mode === "webhook") routes.push(telegramWebhookRoutes(telegram, config.telegram.webhookSecret!, { logger, drops }));
  }
  let zalo: ZaloChannel | undefined;
  if (config.zalo.appId && config.zalo.oaSecretKey && config.zalo.tokenKey) {
    zalo = createZaloChannel({ config, pool: db.pool, redis, logger, handleInbound, drops, limits: options.zaloLimits ?? { globalPerSecond: config.zalo.perSecond, perRecipientIntervalMs: ZALO_RECIPIENT_INTERVAL_MS }, now: options.now });
    senders.set("zalo", zalo.sender);
    if (web) routes.push(zalo.routes);
    checks.zalo = zalo.tokens.check;
  }
  for (const sender of options.senders ?? []) senders.set(sender.channel, sender);
  if (web && evidenceLinks) routes.push(evidenceRoutes({ pool: db.pool, secret: evidenceLinks.secret, settings: config.review, now: options.now }));
  if (web && options.extraRoutes) routes.push(...options.extraRoutes({ handleInbound, pool: db.pool, redis, config, logger, criteria }));
  const metrics = createMetrics({
    consultation: config.campaigns.zalo.consultationPrice,
    template: config.campaigns.zalo.templatePrice,
    promotion: config.campaigns.zalo.promotionPrice,
  });
  const allQueues = () => [...queues.messages.values(), ...queues.bulk.values(), ...queues.acks.values()];
  if (web) {
    routes.unshift(async (root) => metrics.observeWebhooks(root));
    const announce = () => LiveCatalog.announce(redis, config.redisPrefix);
    routes.push(adminApi({ pool: db.pool, config, handleSystem: handleInbound.handleSystem, more: [chartRoutes({ pool: db.pool, config }), effectRoutes({ pool: db.pool, config }), criteriaRoutes({ pool: db.pool, config, announce })] }));
    routes.push(dashboardRoutes({ pool: db.pool, config, criteria }));
    routes.push(criteriaDashboardRoutes({ pool: db.pool, config, announce }));
    routes.push(opsRoutes({ pool: db.pool, config, metrics, queues: allQueues }));
  }
  metrics.watch({
    pool: db.pool,
    queues: () => [
      ...[...queues.messages].map(([channel, queue]) => ({ lane: "message", channel, queue })),
      ...[...queues.bulk].map(([channel, queue]) => ({ lane: "bulk", channel, queue })),
      ...[...queues.acks].map(([channel, queue]) => ({ lane: "ack", channel, queue })),
    ],
    zaloCheck: checks.zalo,
  });

  for (const sender of senders.values()) {
    notifyQueues.messages.set(sender.channel, createOutboxQueue(sender.channel, notifyRedis, config.redisPrefix));
    notifyQueues.bulk.set(sender.channel, createBulkQueue(sender.channel, notifyRedis, config.redisPrefix));
    notifyQueues.acks.set(sender.channel, createAckQueue(sender.channel, notifyRedis, config.redisPrefix));
    if (!worker) {
      queues.messages.set(sender.channel, createOutboxQueue(sender.channel, redis, config.redisPrefix));
      queues.bulk.set(sender.channel, createBulkQueue(sender.channel, redis, config.redisPrefix));
      queues.acks.set(sender.channel, createAckQueue(sender.channel, redis, config.redisPrefix));
      continue;
    }
    const bulkPerSecond = sender.channel === "telegram" ? config.campaigns.telegramPerSecond : sender.channel === "zalo" ? config.campaigns.zaloPerSecond : 0;
    const delivery = new OutboxDelivery({
      pool: db.pool, redis, prefix: config.redisPrefix, sender: metrics.instrumentSender(sender), logger, bulkPerSecond, ...options.delivery,
    });
    deliveries.set(sender.channel, delivery);
    queues.messages.set(sender.channel, delivery.queue);
    queues.bulk.set(sender.channel, delivery.bulkQueue);
    queues.acks.set(sender.channel, delivery.acks.queue);
  }
  let scheduler: Scheduler | undefined;
  if (worker) {
    scheduler = new Scheduler({ redis, prefix: config.redisPrefix, logger, timeZone: config.timeZone });
    await scheduler.register({
      name: "outbox-sweep",
      every: options.sweepIntervalMs ?? 5_000,
      run: ({ firedAt }) => sweepOnce({ pool: db.pool, queues, sweepId: String(firedAt.getTime()) }),
    });
    await scheduler.register(retentionTask({ pool: db.pool, logger, days: { ...config.retention, orphanUploadHours: config.webUploads.orphanHours } }));
    await scheduler.register(expiryTask({ pool: db.pool, logger, settings: expirySettings(config) }));
    const campaignDeps: CampaignTickDeps = {
      pool: db.pool, redis, prefix: config.redisPrefix, handleSystem: handleInbound.handleSystem,
      settings: config.campaigns, timeZone: config.timeZone, logger,
    };
    await scheduler.register({
      name: "campaign-tick",
      every: config.campaigns.tickMs,
      run: () => runCampaignTick(campaignDeps, (options.now ?? (() => new Date()))()),
    });
    // Officer reminders, escalations and digests (server/review/jobs.ts).
    const reviewDeps = { pool: db.pool, handleSystem: handleInbound.handleSystem, settings: config.review, timeZone: config.timeZone, logger };
    for (const task of reviewTasks(reviewDeps, options.now)) await scheduler.register(task);
  }

  const app = await buildApp({ config, logger, checks, routes });

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    db,
    redis,
    drops,
    app,
    handleInbound,
    handleSystem: handleInbound.handleSystem,
    units,
    criteria,
    metrics,
    deliveries,
    scheduler,
    telegram,
    zalo,
    async start() {
      // The bot's command menu is set once by whoever takes Telegram's updates.
      if (web && telegram) await setTelegramMenu(telegram, logger);
      if (web && telegram && config.telegram.mode === "polling") {
        telegram.catch((err) => logger.error({ err: err.error, update: err.ctx.update.update_id }, "telegram update failed"));
        void telegram.start({ drop_pending_updates: false, timeout: POLL_TIMEOUT_SECONDS, onStart: () => logger.info("telegram polling started") });
      }
    },
    close() {
      closing ??= (async () => {
        if (telegram?.isRunning()) await telegram.stop();
        await app.close();
        await scheduler?.close();
        await Promise.all([...deliveries.values()].map((d) => d.close()));
        const ownQueues = [...notifyQueues.messages.values(), ...notifyQueues.bulk.values(), ...notifyQueues.acks.values()];
        if (!worker) ownQueues.push(...queues.messages.values(), ...queues.bulk.values(), ...queues.acks.values());
        await Promise.all(ownQueues.map((q) => q.close()));
        criteria.close();
        await db.close();
        redis.disconnect();
        probe.disconnect();
        notifyRedis.disconnect();
      })();
      return closing;
    },
  };
}
