// bench/lanes: does a campaign hold live replies back? Citizens write to the Telegram webhook and wait
// for the reply (webhook in → the reply's first message at the fake Bot API), first with nothing else
// to send, then while a 50,000-message bulk backlog (a campaign) drains against the same 30 messages/s
// budget. Prints both p99s (the lanes aim: within 1 s of each other), and how fast the campaign drained
// meanwhile (it takes what the replies leave, and never less than its reserved share).
// Run: npm run bench:lanes [-- --citizens 20 --seconds 30 --backlog 50000]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { loadConfig } from "../server/config.ts";
import { createPool } from "../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../server/db/migrate.ts";
import { createLogger } from "../server/logger.ts";
import { deliveryJob } from "../server/outbox/jobs.ts";
import { insertOutbox, type NewOutboxRow } from "../server/outbox/store.ts";
import { createRedis } from "../server/redis.ts";
import { createRuntime } from "../server/runtime.ts";
import { FakeTelegram } from "../test/support/fake-telegram.ts";

const { values } = parseArgs({
  options: {
    citizens: { type: "string", default: "20" },
    seconds: { type: "string", default: "30" },
    backlog: { type: "string", default: "50000" },
  },
});
const CITIZENS = Number(values.citizens);
const SECONDS = Number(values.seconds);
const BACKLOG = Number(values.backlog);
const PG_ROOT = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const run = randomBytes(4).toString("hex");
const databaseUrl = `${PG_ROOT}/cdht_bench_${run}`;
const prefix = `cdhtbench_${run}`;
const SECRET = "bench-webhook-secret-0123456789";
const CAMPAIGN = "Tuần lễ hưởng ứng học tập suốt đời: mời bạn tự đánh giá danh hiệu Công dân học tập.";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  await ensureDatabase(databaseUrl);
  const setup = createPool({ url: databaseUrl, max: 1 });
  await migrate(setup, await readMigrations());
  await setup.query(`INSERT INTO units (code, name, kind) VALUES ('BENCH', 'Đơn vị đo', 'commune')`);
  await setup.end();

  const fake = await new FakeTelegram().start();
  const loaded = loadConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "20",
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "warn",
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: "0",
  });
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  // Telegram's own limits: 30 messages/s for the bot, 1 per second per chat.
  const rt = await createRuntime(loaded.config, createLogger(loaded.config));
  await rt.app.listen({ host: "127.0.0.1", port: 0 });
  const address = rt.app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/webhooks/telegram`;

  const firstSend = new Map<string, number[]>();
  let campaignSent = 0;
  fake.onCall((call) => {
    if (call.method !== "sendMessage") return;
    if (call.body.text === CAMPAIGN) campaignSent++;
    else firstSend.get(String(call.body.chat_id))?.push(call.at);
  });

  let updateId = 1;
  const post = async (chatId: number, text: string) => {
    const id = updateId++;
    const body = JSON.stringify({
      update_id: id,
      message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "B" }, text },
    });
    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  };
  const idle = async (chatId: number) => {
    for (;;) {
      const { rows } = await rt.db.pool.query(
        `SELECT count(*)::int AS n FROM outbox WHERE channel = 'telegram' AND recipient = $1 AND status IN ('pending', 'sending')`,
        [String(chatId)],
      );
      if (rows[0].n === 0) return;
      await sleep(100);
    }
  };

  const chats = Array.from({ length: CITIZENS }, (_, i) => 20_000_000 + i);
  for (const chat of chats) firstSend.set(String(chat), []);
  await Promise.all(chats.map(async (chat) => {
    await post(chat, "/start u_BENCH");
    await idle(chat);
  }));

  /** Each citizen writes, waits for the whole reply (and Telegram's 1 s per chat), and writes again. */
  async function measure(seconds: number): Promise<number[]> {
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(chats.map(async (chat) => {
      const sends = firstSend.get(String(chat))!;
      while (Date.now() < deadline) {
        const before = sends.length;
        const t0 = Date.now();
        await post(chat, "/status");
        while (sends.length === before) await sleep(5);
        latencies.push(sends[before]! - t0);
        await idle(chat);
        await sleep(1_000);
      }
    }));
    return latencies.sort((a, b) => a - b);
  }

  const quiet = await measure(SECONDS);

  // The campaign: BACKLOG bulk rows to as many chats, each with its delivery job, as a campaign tick would.
  const payload = { kind: "message" as const, message: { text: CAMPAIGN } };
  for (let i = 0; i < BACKLOG; i += 5_000) {
    const rows: NewOutboxRow[] = Array.from({ length: Math.min(5_000, BACKLOG - i) }, (_, j) => ({
      channel: "telegram",
      recipient: String(5_000_000_000 + i + j),
      payload,
      idempotencyKey: `bench:campaign:${i + j}`,
      lane: "bulk",
    }));
    await insertOutbox(rt.db.pool, rows);
    const queue = rt.deliveries.get("telegram")!.bulkQueue;
    for (let k = 0; k < rows.length; k += 1_000) {
      await queue.addBulk(rows.slice(k, k + 1_000).map((r) => deliveryJob({ channel: "telegram", recipient: r.recipient })));
    }
  }
  await sleep(3_000);
  const sentBefore = campaignSent;
  const started = Date.now();
  const busy = await measure(SECONDS);
  const campaignRate = (campaignSent - sentBefore) / ((Date.now() - started) / 1000);
  await sleep(2_000);
  const aloneFrom = campaignSent;
  await sleep(5_000);
  const aloneRate = (campaignSent - aloneFrom) / 5;

  await rt.close();
  await fake.stop();

  const p99Quiet = pct(quiet, 99);
  const p99Busy = pct(busy, 99);
  console.log(`bench/lanes (${CITIZENS} citizens writing, ${SECONDS} s each phase, fake Bot API at Telegram's 30 messages/s and 1 per chat per second)`);
  console.log(`  reply, no backlog       : ${quiet.length} replies   p50 ${pct(quiet, 50)} ms   p99 ${p99Quiet} ms`);
  console.log(`  reply, ${BACKLOG.toLocaleString("en")} bulk backlog: ${busy.length} replies   p50 ${pct(busy, 50)} ms   p99 ${p99Busy} ms`);
  console.log(`  p99 difference          : ${p99Busy - p99Quiet} ms (aim: within 1,000 ms)`);
  console.log(`  campaign drained at ${campaignRate.toFixed(1)} messages/s beside the replies, ${aloneRate.toFixed(1)}/s once they stopped`);
}

try {
  await main();
} finally {
  await dropDatabase(databaseUrl).catch((e) => console.error(`could not drop ${databaseUrl}: ${e.message}`));
  const redis = createRedis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  redis.disconnect();
}
