// What the web chat is built from: the runtime's clients and its own tunables (limits, polling, upload
// size). Defaults suit a commune's site and a training room of laptops behind one IP address.
import type pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { CriteriaCatalog } from "../../../bot/types.ts";
import type { HandleInbound } from "../../conversation/types.ts";
import type { Redis } from "../../redis.ts";
import type { Limit } from "./rate-limit.ts";

/** The runtime's clients the routes use (server/runtime.ts passes them to extraRoutes). */
export interface WebDeps {
  handleInbound: HandleInbound;
  pool: pg.Pool;
  redis: Redis;
  config: Config;
  logger: Logger;
  /** The criteria sets: whether the question on screen takes an evidence photo. */
  criteria: CriteriaCatalog;
}

export interface WebLimits {
  /** Events (texts, taps, photos) of one citizen. */
  sessionEvents: Limit;
  /** Events from one IP address: a training room shares one. */
  ipEvents: Limit;
  /** Photos of one citizen (they also count as events). */
  sessionUploads: Limit;
  /** Message reads of one citizen (a long poll is one read per ~20 s when nothing happens). */
  sessionPolls: Limit;
}

export interface WebSettings {
  secret: string;
  limits: WebLimits;
  maxUploadBytes: number;
  /** How long GET /chat/api/messages?wait=1 waits for a reply (it is woken by the delivery). */
  longPollMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_LIMITS: WebLimits = {
  sessionEvents: { max: 30, windowMs: MINUTE },
  ipEvents: { max: 600, windowMs: MINUTE },
  sessionUploads: { max: 10, windowMs: MINUTE },
  sessionPolls: { max: 240, windowMs: MINUTE },
};

export const DEFAULT_SETTINGS: Omit<WebSettings, "secret"> = {
  limits: DEFAULT_LIMITS,
  maxUploadBytes: 5 * 1024 * 1024,
  longPollMs: 20_000,
};

export interface WebChatOptions extends Partial<Omit<WebSettings, "secret" | "limits">> {
  limits?: Partial<WebLimits>;
}
