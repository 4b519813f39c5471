// bench/broadcast part 2: one campaign round of 50,000 Telegram messages drained through the real
// pipeline (campaign ticks → system events → bulk outbox rows) and outbox workers against the fake Bot
// API (a process of its own) with the cap raised: the campaigns' Telegram pace (CAMPAIGN_TELEGRAM_PER_SECOND)
// is --cap, and the bot's limit (TELEGRAM_PER_SECOND) the least that leaves that pace to the bulk lane
// beside the replies' tenth. Prints the delivered rate against the cap over
// the steady part (first to last 5 %), duplicates (chats that got more than one message) and this server
// process's peak RSS. Run: npm run bench:broadcast -- drain [--messages 50000] [--cap 200]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { validateDefinition } from "../../server/campaigns/definition.ts";
import { createCampaign, transition } from "../../server/campaigns/store.ts";
import { runCampaignTick } from "../../server/campaigns/tick.ts";
import { bulkCeiling } from "../../server/outbox/budget.ts";
import { loadConfig } from "../../server/config.ts";
import { dropDatabase, ensureDatabase } from "../../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../../server/db/migrate.ts";
import { createPool } from "../../server/db/client.ts";
import { createLogger } from "../../server/logger.ts";
import { createRuntime } from "../../server/runtime.ts";
import { seedPopulation } from "./population.ts";
import { ownCpu, postgresCpu, processCpu, redisCpu } from "../support/cpu.ts";

const TOKEN = "123456:BENCH-token-abcdefghijklmnop";

export async function benchDrain(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { messages: { type: "string", default: "50000" }, cap: { type: "string", default: "200" }, "bulk-workers": { type: "string" }, "tick-concurrency": { type: "string" } } });
  const messages = Number(values.messages);
  const cap = Number(values.cap);
  let limit = Math.ceil(cap);
  while (bulkCeiling(limit) < cap) limit++;
  const root = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
  const run = randomBytes(4).toString("hex");
  const url = `${root}/cdht_bench_drain_${run}`;
  await ensureDatabase(url);
  const fakeProc = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./fake-telegram-process.ts", import.meta.url)), TOKEN], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [apiRoot] = (await once(fakeProc.stdout!, "data")).map((b) => String(b).trim());
  // While it drains only the count crosses over (all the send times each second would cost this process,
  // whose CPU and memory are measured); the times once at the end.
  const ask = async <T>(what: "count" | "stats"): Promise<T> => {
    fakeProc.send(what);
    const [m] = await once(fakeProc, "message");
    return m as T;
  };
  const stats = () => ask<{ times: number[]; chats: number; duplicates: number }>("stats");
  const setup = createPool({ url, max: 2 });
  let rt: Awaited<ReturnType<typeof createRuntime>> | undefined;
  try {
    await migrate(setup, await readMigrations());
    // Population: a Telegram account each, with a conversation state; status and opt-outs as generated.
    const { rootCode } = await seedPopulation(setup, { people: messages, tag: "drain", year: 2027, villages: 50, channels: [10, 0, 0], states: true });
    await setup.query(`UPDATE people SET opt_out_at = NULL`);
    await setup.query(`UPDATE channel_accounts SET reachable = true, unreachable_reason = NULL, state = jsonb_set(state, '{optedOut}', 'false')`);
    await setup.query("VACUUM ANALYZE");
    const loaded = loadConfig({
      DATABASE_URL: url, LOG_LEVEL: "warn", REDIS_PREFIX: `cdhtbench_${run}`, TELEGRAM_MODE: "webhook", TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot!, TELEGRAM_WEBHOOK_SECRET: "bench-webhook-secret-0123456789", CAMPAIGN_TELEGRAM_PER_SECOND: String(cap),
      TELEGRAM_PER_SECOND: String(limit), DATABASE_POOL_MAX: "20", PORT: "0",
    });
    if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
    const config = loaded.config;
    rt = await createRuntime(config, createLogger(config), {
      ...(values["bulk-workers"] ? { delivery: { bulkConcurrency: Number(values["bulk-workers"]) } } : {}),
    });
    const def = validateDefinition({
      name: "bench drain", year: 2027, from: "2027-10-01", to: "2027-10-07", audience: { units: [rootCode], channels: ["telegram"] },
      rounds: [{ day: 1, message: { vi: "Kính gửi {{address}} {{name}}, {{progress}}." }, buttons: ["continue"] }],
    });
    if (!def.ok) throw new Error(def.message);
    const created = await createCampaign(rt.db.pool, def.value);
    if (!created.ok) throw new Error(created.message);
    await transition(rt.db.pool, created.value.id, "start");
    const deps = {
      pool: rt.db.pool, redis: rt.redis, prefix: config.redisPrefix, handleSystem: rt.handleSystem, settings: config.campaigns,
      timeZone: config.timeZone, logger: rt.logger, maxTickMs: 5_000,
      ...(values["tick-concurrency"] ? { concurrency: Number(values["tick-concurrency"]) } : {}),
    };
    const inWindow = new Date("2027-10-01T09:00:00+07:00");
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    // Progress every 5 s: how far the campaign tick fed the outbox and how far delivery followed, so the
    // slower of the two shows (fed far ahead of delivered: delivery limits; fed ≈ delivered: the tick does).
    const progress = setInterval(() => void (async () => {
      const { rows: p } = await rt!.db.pool.query(
        `SELECT (SELECT count(*)::int FROM campaign_recipients WHERE status = 'queued') AS fed,
                (SELECT count(*)::int FROM outbox WHERE lane = 'bulk' AND status = 'sent') AS sent`,
      );
      const m = process.memoryUsage();
      console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: fed ${p[0].fed}, sent ${p[0].sent}, rss ${Math.round(m.rss / 2 ** 20)} MB, heap ${Math.round(m.heapUsed / 2 ** 20)}/${Math.round(m.heapTotal / 2 ** 20)} MB, external ${Math.round(m.external / 2 ** 20)} MB, load ${loadavg()[0]!.toFixed(1)}`);
    })().catch(() => {}), 5_000);
    // CPU per message of each part (the tick and delivery in this process, PostgreSQL, Redis, the fake API).
    const cpu = async () => ({ server: ownCpu(), postgres: await postgresCpu(rt!.db.pool), redis: await redisCpu(rt!.redis), api: await processCpu(fakeProc.pid!) });
    const cpuBefore = await cpu();
    const t0 = Date.now();
    let delivered = 0;
    for (let last = -1; ; ) {
      await runCampaignTick(deps, inWindow);
      delivered = (await ask<{ sent: number }>("count")).sent;
      if (delivered >= messages || (delivered === last && Date.now() - t0 > 60_000 && delivered > 0 && (await idle(rt)))) break;
      last = delivered;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const cpuAfter = await cpu();
    clearInterval(sampler);
    clearInterval(progress);
    const s = await stats();
    const times = [...s.times].sort((a, b) => a - b);
    const from = times[Math.floor(times.length * 0.05)]!;
    const to = times[Math.floor(times.length * 0.95) - 1]!;
    const rate = ((Math.floor(times.length * 0.95) - 1 - Math.floor(times.length * 0.05)) / (to - from)) * 1000;
    const { rows } = await rt.db.pool.query(`SELECT status::text, count(*)::int AS n FROM campaign_recipients GROUP BY 1 ORDER BY 1`);
    console.log(`drained ${s.times.length.toLocaleString("en-US")} campaign messages to ${s.chats.toLocaleString("en-US")} chats in ${((times.at(-1)! - times[0]!) / 1000).toFixed(1)} s`);
    console.log(`  delivered rate (5th–95th percentile of sends) ${rate.toFixed(1)}/s against a cap of ${cap}/s: ${((rate / cap - 1) * 100).toFixed(1)} % (target within ±5 %)`);
    console.log(`  the bot's limit TELEGRAM_PER_SECOND=${limit} (the bulk lane may keep ${bulkCeiling(limit).toFixed(1)}/s of it); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    const perMessage = (k: keyof typeof cpuAfter) => `${k} ${(((cpuAfter[k] - cpuBefore[k]) * 1000) / s.times.length).toFixed(2)}`;
    console.log(`  CPU ms per message: ${(["server", "postgres", "redis", "api"] as const).map(perMessage).join(", ")}`);
    console.log(`  duplicates: ${s.duplicates}; recipients: ${rows.map((r) => `${r.status} ${r.n.toLocaleString("en-US")}`).join(", ")}`);
    console.log(`  server process peak RSS ${Math.round(peakRss / 2 ** 20)} MB (target < 300 MB)`);
  } finally {
    await rt?.close();
    await setup.end();
    fakeProc.send("stop");
    await dropDatabase(url);
  }
}

async function idle(rt: { db: { pool: import("pg").Pool } }): Promise<boolean> {
  const { rows } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'sending')`);
  return rows[0].n === 0;
}
