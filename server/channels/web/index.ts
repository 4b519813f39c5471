// The web chat channel: a page at /chat on the same engine and the same outbox as Telegram and Zalo.
// Always on – it needs no platform account. Wire it with createRuntime(config, logger,
// { senders: [web.sender], extraRoutes: web.routes }).
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { UnitDirectory } from "../../../bot/types.ts";
import type { ChannelSender } from "../../outbox/types.ts";
import { webRoutes } from "./routes.ts";
import { loadOrCreateSecret } from "./secret.ts";
import { createWebSender } from "./sender.ts";
import { DEFAULT_SETTINGS, type WebChatOptions, type WebDeps, type WebSettings } from "./settings.ts";

export type { WebChatOptions, WebDeps } from "./settings.ts";
export { DEMO_CHAT_UNIT } from "../../db/seed-demo.ts";

export interface WebChannel {
  sender: ChannelSender;
  routes: (deps: WebDeps) => ((app: FastifyInstance) => Promise<void>)[];
}

export function webChannel(options: WebChatOptions = {}): WebChannel {
  return {
    sender: createWebSender(),
    routes(deps) {
      const secret = resolveWebSecret(deps.config, deps.logger);
      const settings: WebSettings = {
        ...DEFAULT_SETTINGS,
        ...options,
        limits: { ...DEFAULT_SETTINGS.limits, ...options.limits },
        secret,
      };
      return [webRoutes(deps, settings)];
    },
  };
}

/** WEB_CHAT_SECRET, or (outside production, where config.ts requires it) the one generated once and kept. */
export function resolveWebSecret(config: Pick<Config, "webChatSecret" | "webChatSecretFile">, logger: Logger): string {
  if (config.webChatSecret) return config.webChatSecret;
  const file = config.webChatSecretFile;
  const kept = loadOrCreateSecret(file);
  if (kept.created) logger.warn({ file }, "WEB_CHAT_SECRET is not set: generated one and kept it in a local file");
  return kept.secret;
}

/** The address to print at start: with the demo unit pre-selected when it exists. */
export function chatUrl(publicBaseUrl: string, units: UnitDirectory, demoCode: string): string {
  return `${publicBaseUrl}/chat${units.byCode(demoCode) ? `?u=${encodeURIComponent(demoCode)}` : ""}`;
}
