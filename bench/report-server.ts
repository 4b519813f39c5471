// The app process of bench/reports: the runtime without delivery workers, listening on a free port, so
// the bench can read this process's peak memory (VmHWM) while it streams an export.
import { loadConfig } from "../server/config.ts";
import { createLogger } from "../server/logger.ts";
import { createRuntime } from "../server/runtime.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
const runtime = await createRuntime(loaded.config, createLogger(loaded.config), { workers: false });
await runtime.app.listen({ host: "127.0.0.1", port: 0 });
const address = runtime.app.server.address();
process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
process.on("SIGTERM", () => void runtime.close().then(() => process.exit(0)));
