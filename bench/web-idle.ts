// bench/web-idle: database queries per second caused by open, idle web chat pages. 500 pages (default)
// each start a conversation (delivered by a worker), then long-poll GET /chat/api/messages?wait=1 like
// the page's script does, re-asking as soon as a poll returns. Two figures over the idle window, with
// only the web process connected: the statements the web process sent (every client its pool hands
// out has its query method counted – measurement, not a change of behaviour), and PostgreSQL's own
// count of transactions in the bench's database (pg_stat_database, read from another database so the
// reading does not count), which also includes autovacuum's work on the fresh tables.
// Run: npm run bench:web-idle [-- --pages 500 --seconds 30]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { webChannel } from "../server/channels/web/index.ts";
import { loadConfig } from "../server/config.ts";
import { createPool } from "../server/db/client.ts";
import { databaseName, dropDatabase, ensureDatabase } from "../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../server/db/migrate.ts";
import { createLogger } from "../server/logger.ts";
import { createRedis } from "../server/redis.ts";
import { createRuntime } from "../server/runtime.ts";

const { values } = parseArgs({
  options: { pages: { type: "string", default: "500" }, seconds: { type: "string", default: "30" } },
});
const PAGES = Number(values.pages);
const SECONDS = Number(values.seconds);
const PG_ROOT = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const run = randomBytes(4).toString("hex");
const databaseUrl = `${PG_ROOT}/cdht_bench_${run}`;
const prefix = `cdhtbench_${run}`;
const LONG_POLL_MS = 20_000;
/** Before: each waiting page re-read the outbox every 300 ms. */
const OLD_INTERVAL_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  await ensureDatabase(databaseUrl);
  const setup = createPool({ url: databaseUrl, max: 1 });
  await migrate(setup, await readMigrations());
  await setup.end();

  const env = (role: string) => {
    const loaded = loadConfig({
      ROLE: role,
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: "warn",
      WEB_CHAT_SECRET: "bench-web-chat-secret-0123456789",
      HOST: "127.0.0.1",
      PORT: "0",
    });
    if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
    return loaded.config;
  };
  const limits = { sessionEvents: { max: 1000, windowMs: 60_000 }, ipEvents: { max: 100_000, windowMs: 60_000 } };
  const webConfig = env("web");
  const channel = webChannel({ longPollMs: LONG_POLL_MS, limits });
  const web = await createRuntime(webConfig, createLogger(webConfig), { senders: [channel.sender], extraRoutes: channel.routes });
  const workerConfig = env("worker");
  const worker = await createRuntime(workerConfig, createLogger(workerConfig), { senders: [webChannel().sender] });
  await web.app.listen({ host: "127.0.0.1", port: 0 });
  const address = web.app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  // Node's fetch keeps one connection per concurrent request to an origin, without a limit.
  const get = (path: string, cookie: string) => fetch(`${base}${path}`, { headers: { cookie } });

  // Every page: open /chat (cookie), start, and read the welcome once it is delivered.
  const pages: { cookie: string; last: string }[] = [];
  for (let i = 0; i < PAGES; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, PAGES - i) }, async () => {
        const opened = await get("/chat", "");
        await opened.arrayBuffer();
        const cookie = String(opened.headers.get("set-cookie")).split(";")[0]!;
        const res = await fetch(`${base}/chat/api/events`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ clientEventId: randomBytes(9).toString("base64url"), type: "start" }),
        });
        if (res.status !== 200) throw new Error(`start: ${res.status} ${await res.text()}`);
        for (;;) {
          const page = (await (await get("/chat/api/messages?after=0", cookie)).json()) as { messages: unknown[]; last: string };
          if (page.messages.length >= 2) {
            pages.push({ cookie, last: page.last });
            break;
          }
          await sleep(50);
        }
      }),
    );
  }
  // Nothing more will be delivered: the worker goes, and only the web process is connected.
  await worker.close();

  let stopping = false;
  let answered = 0;
  const loops = pages.map(async (p) => {
    while (!stopping) {
      const res = await get(`/chat/api/messages?wait=1&after=${p.last}`, p.cookie);
      const body = (await res.json()) as { last: string };
      p.last = body.last ?? p.last;
      answered++;
    }
  });

  const stats = createPool({ url: `${PG_ROOT}/postgres`, max: 1 });
  const transactions = async () => {
    const { rows } = await stats.query<{ n: string }>(
      `SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`,
      [databaseName(databaseUrl)],
    );
    return Number(rows[0]!.n);
  };
  // PostgreSQL publishes a backend's counts within about 10 s of its last statement: let them settle.
  await sleep(12_000);
  let statements = 0;
  const counted = new WeakSet<object>();
  web.db.pool.on("acquire", (client) => {
    if (counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
  });
  const before = await transactions();
  const answeredBefore = answered;
  await sleep(SECONDS * 1000);
  await sleep(11_000);
  const after = await transactions();
  const polls = answered - answeredBefore;
  const sent = statements;
  stopping = true;
  await web.close();
  await Promise.allSettled(loops);
  await stats.end();

  const window = SECONDS + 11;
  console.log(`bench/web-idle (${pages.length} open pages long-polling, ${window} s idle window, long poll ${LONG_POLL_MS / 1000} s)`);
  console.log(`  database queries from the web process: ${sent} = ${(sent / window).toFixed(2)} per second`);
  console.log(`  PostgreSQL transactions in the database (any source, autovacuum included): ${after - before} = ${((after - before) / window).toFixed(2)} per second`);
  console.log(`  long polls answered (timed out and asked again) in the window: ${polls}, each costing Redis only`);
  console.log(`  before (each waiting page re-read the outbox every ${OLD_INTERVAL_MS} ms): ~${Math.round((pages.length * 1000) / OLD_INTERVAL_MS)} queries per second`);
}

try {
  await main();
} finally {
  await dropDatabase(databaseUrl).catch((e) => console.error(`could not drop ${databaseUrl}: ${e.message}`));
  const redis = createRedis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
