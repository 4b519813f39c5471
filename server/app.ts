// buildApp: the HTTP application, apart from the process that listens (main.ts), so tests use inject().
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { registerErrorHandler } from "./errors.ts";
import { registerHealthRoutes, type Check } from "./health.ts";

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Named readiness checks (postgres, redis, zalo …). */
  checks: Record<string, Check>;
  /** Route plugins of the channels and the admin API, registered after the core routes. */
  routes?: ((app: FastifyInstance) => void | Promise<void>)[];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // X-Forwarded-* only from configured proxies (TRUST_PROXY): anyone else could pick their own IP.
    trustProxy: deps.config.trustProxy as boolean, // a hop count is documented; the types omit it
    return503OnClosing: true,
    // One log line per request is noise on a laptop; LOG_REQUESTS turns it on (default in production).
    logController: new LogController({ disableRequestLogging: !deps.config.logRequests }),
    // Errors Fastify raises before routing (a malformed URL …) get the one error shape too.
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: { code: "bad_request", message: error.message } });
    },
  });
  // Once closing, every response ends its keep-alive connection: otherwise a browser's connection that
  // falls idle after its long poll is answered would hold the shutdown until the keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  registerErrorHandler(app);
  registerHealthRoutes(app, deps.checks);
  for (const register of deps.routes ?? []) await register(app);
  return app;
}
