// The process: parse configuration, build the runtime, listen, and shut down cleanly on a signal.
import { chatUrl, DEMO_CHAT_UNIT, webChannel } from "./channels/web/index.ts";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { createRuntime, StartupError } from "./runtime.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  for (const line of loaded.problems) console.error(`config: ${line}`);
  console.error("Fix the variables above (see .env.example) and start again.");
  process.exit(1);
}
const config = loaded.config;
const logger = createLogger(config);

let runtime;
try {
  const web = webChannel();
  runtime = await createRuntime(config, logger, { senders: [web.sender], extraRoutes: web.routes });
} catch (error) {
  if (error instanceof StartupError) console.error(`startup: ${error.message}`);
  else logger.fatal({ err: error }, "startup failed");
  process.exit(1);
}

const rt = runtime;
await rt.app.listen({ host: config.host, port: config.port });
await rt.start();
logger.info({ url: config.publicBaseUrl, role: config.role }, "listening");
if (config.role !== "worker") {
  const chat = chatUrl(config.publicBaseUrl, await rt.units.get(), DEMO_CHAT_UNIT);
  logger.info({ chat }, `web chat: ${chat}`);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  const timer = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  try {
    await rt.close();
    logger.info("stopped");
    process.exit(0);
  } catch (err) {
    logger.error({ err }, "shutdown failed");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
