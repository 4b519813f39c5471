import { pino, type Logger } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { service: "cdht-bot" },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.headers.access_token"], remove: true },
  });
}
