// bench/webhook: Telegram-shaped answer updates per second through the whole inbound path
// (HTTP → secret check → dedupe → engine step → effects → commit with outbox rows → delivery enqueue),
// with p50/p99 latency, and in the same run a baseline of plain single-row UPDATE transactions per
// second on the same database with the same concurrency, so the ratio shows.
// Two more figures locate the cost: the same answers handed to the pipeline directly (no HTTP), and the
// same clients against a Fastify route that does nothing (HTTP alone). Run: npm run bench:webhook [-- --seconds 10 --concurrency 16 --citizens 400]
// [--pg-socket /var/run/postgresql] (PostgreSQL through its Unix socket instead of TCP) [--table-stats].
import { randomBytes } from "node:crypto";
import Fastify from "fastify";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { loadConfig } from "../server/config.ts";
import { createPool } from "../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../server/db/migrate.ts";
import { createLogger } from "../server/logger.ts";
import { createRedis } from "../server/redis.ts";
import { createRuntime } from "../server/runtime.ts";
import { postgresCpu } from "./support/cpu.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "16" },
    citizens: { type: "string", default: "400" },
    "pg-socket": { type: "string" },
    "table-stats": { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const CITIZENS = Number(values.citizens);
const PG_ROOT = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const run = randomBytes(4).toString("hex");
const socket = values["pg-socket"];
const databaseUrl = `${PG_ROOT}/cdht_bench_${run}${socket ? `?host=${encodeURIComponent(socket)}` : ""}`;
const prefix = `cdhtbench_${run}`;
const TOKEN = "123456:BENCH-token-abcdefghijklmnop";
const SECRET = "bench-webhook-secret-0123456789";

/** Runs the load in a worker thread; resolves with every request's latency in ms. */
function load(order: { url: string; secret: string; clients: number[][]; deadline: number; firstUpdateId: number }): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./webhook-client.mjs", import.meta.url), { workerData: order });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

/** The same load against a route that only answers 200: the most HTTP allows here. */
async function httpCeiling(seconds: number): Promise<number> {
  const app = Fastify();
  app.post("/webhooks/telegram", async () => ({ ok: true }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const started = Date.now();
  const latencies = await load({
    url: `http://127.0.0.1:${port}/webhooks/telegram`,
    secret: SECRET,
    clients: Array.from({ length: CONCURRENCY }, (_, i) => [i + 1]),
    deadline: started + seconds * 1000,
    firstUpdateId: 1,
  });
  const rate = latencies.length / ((Date.now() - started) / 1000);
  await app.close();
  return rate;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main() {
  await ensureDatabase(databaseUrl);
  const setupPool = createPool({ url: databaseUrl, max: 1 });
  await migrate(setupPool, await readMigrations());
  await setupPool.query(`INSERT INTO units (code, name, kind) VALUES ('BENCH', 'Đơn vị đo', 'commune')`);
  await setupPool.end();

  const loaded = loadConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: String(CONCURRENCY + 4),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "warn",
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: "0",
  });
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  // Delivery workers off: the path measured ends at the outbox commit and the queue enqueue.
  const rt = await createRuntime(loaded.config, createLogger(loaded.config), { workers: false });
  await rt.app.listen({ host: "127.0.0.1", port: 0 });
  const address = rt.app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/webhooks/telegram`;

  let updateId = 1;
  const postUpdate = async (update: (id: number) => object) => {
    const body = JSON.stringify(update(updateId++));
    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  };
  const post = (chatId: number, text: string) =>
    postUpdate((id) => ({
      update_id: id,
      message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "B" }, text },
    }));
  const tap = async (chatId: number, action: string) => {
    const { rows } = await rt.db.pool.query(`SELECT state FROM channel_accounts WHERE external_id = $1`, [String(chatId)]);
    const data = `${(rows[0].state.seq as number).toString(36)}.${action}`;
    await postUpdate((id) => ({
      update_id: id,
      callback_query: { id: `q${id}`, from: { id: chatId, is_bot: false, first_name: "B" }, chat_instance: "c", data, message: { message_id: 1, date: 0, chat: { id: chatId, type: "private" } } },
    }));
  };

  // Bring every citizen to the first question: consent, group, name, birth year.
  const chats = Array.from({ length: CITIZENS }, (_, i) => 10_000_000 + i);
  for (let i = 0; i < chats.length; i += CONCURRENCY) {
    await Promise.all(
      chats.slice(i, i + CONCURRENCY).map(async (chat, j) => {
        await post(chat, "/start u_BENCH");
        await tap(chat, "c.y");
        await tap(chat, `g.${(i + j) % 4}`);
        await post(chat, "Nguyễn Văn Đo");
        await post(chat, "1980");
      }),
    );
  }

  // The measured load, from a worker thread: each client owns a slice of citizens and answers "1" to
  // their current question.
  const order = {
    url,
    secret: SECRET,
    clients: Array.from({ length: CONCURRENCY }, (_, client) => chats.filter((_, i) => i % CONCURRENCY === client)),
    deadline: Date.now() + SECONDS * 1000,
    firstUpdateId: updateId,
  };
  const started = Date.now();
  const latencies = await load(order);
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = latencies.length / elapsed;
  const { rows: outbox } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM outbox`);

  // The same answers handed to the pipeline directly (no HTTP, no grammY): what the database path allows.
  let direct = 0;
  const pgCpuBefore = await postgresCpu(rt.db.pool);
  const cpuBefore = process.cpuUsage();
  const directDeadline = Date.now() + Math.min(SECONDS, 5) * 1000;
  const directStart = Date.now();
  await Promise.all(
    order.clients.map(async (mine) => {
      for (let n = 0; Date.now() < directDeadline; n++) {
        const chat = String(mine[n % mine.length]);
        const eventId = `direct-${direct}-${chat}-${n}`;
        await rt.handleInbound({ channel: "telegram", externalUserId: chat, eventId, event: { type: "text", text: "1" }, at: new Date() });
        direct++;
      }
    }),
  );
  const directRate = direct / ((Date.now() - directStart) / 1000);
  // Work per answer, less sensitive to other load on the machine than the rates: CPU time of this process.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerUpdate = (cpu.user + cpu.system) / 1000 / direct;
  const pgCpuPerUpdate = ((await postgresCpu(rt.db.pool)) - pgCpuBefore) * 1000 / direct;
  if (values["table-stats"]) {
    // Rows written per table, and how many updates were HOT (no index entries): where the writes go.
    const { rows: st } = await rt.db.pool.query(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0 ORDER BY 1`);
    console.table(st);
  }
  await rt.close();

  const ceiling = await httpCeiling(Math.min(SECONDS, 5));

  // Baseline: single-row UPDATE transactions, same database, same concurrency.
  const pool = createPool({ url: databaseUrl, max: CONCURRENCY });
  await pool.query(`CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
  await pool.query(`INSERT INTO bench_counter (id) SELECT g FROM generate_series(1, $1) g`, [CITIZENS]);
  let txs = 0;
  const basePgCpuBefore = await postgresCpu(pool);
  const baseDeadline = Date.now() + Math.min(SECONDS, 5) * 1000;
  const baseStart = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      const c = await pool.connect();
      for (let n = 0; Date.now() < baseDeadline; n++) {
        await c.query("BEGIN");
        await c.query(`UPDATE bench_counter SET n = n + 1 WHERE id = $1`, [((n * CONCURRENCY + client) % CITIZENS) + 1]);
        await c.query("COMMIT");
        txs++;
      }
      c.release();
    }),
  );
  const baseline = txs / ((Date.now() - baseStart) / 1000);
  const basePgCpu = ((await postgresCpu(pool)) - basePgCpuBefore) * 1000 / txs;
  await pool.end();

  console.log(`bench/webhook (${CONCURRENCY} concurrent clients, ${CITIZENS} citizens, ${SECONDS} s, ${latencies.length} updates, ${outbox[0].n} outbox rows, PostgreSQL over ${socket ? "its Unix socket" : "TCP"})`);
  console.log(`  whole path: ${rate.toFixed(0)} updates/s   p50 ${pct(latencies, 50).toFixed(1)} ms   p99 ${pct(latencies, 99).toFixed(1)} ms`);
  console.log(`  baseline  : ${baseline.toFixed(0)} single-row UPDATE transactions/s   ${basePgCpu.toFixed(2)} ms PostgreSQL CPU each`);
  console.log(`  ratio     : ${(rate / baseline).toFixed(2)} (aim ≥ 0.50, p99 < 50 ms)`);
  console.log(`  no HTTP   : ${directRate.toFixed(0)} updates/s with the pipeline called directly (dedupe → step → commit → enqueue)`);
  console.log(`  per answer: ${cpuPerUpdate.toFixed(2)} ms CPU in this process, ${pgCpuPerUpdate.toFixed(2)} ms in PostgreSQL (pipeline called directly; less sensitive to other load than the rates)`);
  console.log(`  HTTP alone: ${ceiling.toFixed(0)} requests/s to a route that does nothing (the same clients)`);
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
