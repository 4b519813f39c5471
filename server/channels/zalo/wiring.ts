// Builds the Zalo OA channel from configuration: client, encrypted token store, sender and webhook.
import { redisPromotionQuota } from "./promotion-quota.ts";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { Logger } from "pino";
import { touchInteraction } from "../../accounts/store.ts";
import type { Config } from "../../config.ts";
import type { DroppedInputs } from "../../edge/drops.ts";
import type { HandleInbound } from "../../conversation/types.ts";
import type { ChannelSender } from "../../outbox/types.ts";
import type { Redis } from "../../redis.ts";
import { ZaloClient } from "./client.ts";
import { createZaloSender } from "./sender.ts";
import { ZaloTokenStore } from "./tokens.ts";
import { zaloWebhookRoutes } from "./webhook.ts";

export interface ZaloChannel {
  client: ZaloClient;
  tokens: ZaloTokenStore;
  sender: ChannelSender;
  routes: (app: FastifyInstance) => Promise<void>;
}

/** The OA client and the encrypted token store of the configured OA (also used by the admin CLI). */
export function createZaloTokens(config: Config, pool: pg.Pool, redis: Redis, now?: () => Date): { client: ZaloClient; tokens: ZaloTokenStore } {
  const client = new ZaloClient({
    apiBase: config.zalo.apiBase,
    oauthBase: config.zalo.oauthBase,
    appId: config.zalo.appId!,
    appSecretKey: config.zalo.appSecretKey,
  });
  const tokens = new ZaloTokenStore({
    pool,
    redis,
    redisPrefix: config.redisPrefix,
    appId: config.zalo.appId!,
    tokenKey: config.zalo.tokenKey!,
    refresher: client,
    now,
  });
  return { client, tokens };
}

export function createZaloChannel(deps: {
  config: Config;
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  handleInbound: HandleInbound;
  drops?: DroppedInputs;
  /** Overrides of the sender's pacing (tests that are not about pacing). */
  limits?: { globalPerSecond: number; perRecipientIntervalMs: number };
  now?: () => Date;
}): ZaloChannel {
  const { config, pool } = deps;
  const { client, tokens } = createZaloTokens(config, pool, deps.redis, deps.now);
  const promotion = config.zalo.promotionTemplate
    ? { template: config.zalo.promotionTemplate, quota: redisPromotionQuota(deps.redis, config.redisPrefix) }
    : undefined;
  const sender = createZaloSender({
    client, tokens, now: deps.now, timeZone: config.timeZone, windowTemplate: config.zalo.windowTemplate, decisionTemplate: config.zalo.decisionTemplate, ...(promotion ? { promotion } : {}), ...deps.limits,
  });
  const routes = zaloWebhookRoutes({
    config,
    handleInbound: deps.handleInbound,
    logger: deps.logger,
    drops: deps.drops,
    now: deps.now,
    // A sticker or a location is still an interaction: Zalo's 7-day window starts again from it.
    touch: (userId, at) => touchInteraction(pool, "zalo", userId, at),
  });
  return { client, tokens, sender, routes: async (app) => routes(app) };
}
