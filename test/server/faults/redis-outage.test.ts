// Redis stopped and frozen in the middle of traffic, with a redis-server of this test's own: every
// Telegram and Zalo webhook still answers 200 within 2 s (the event is committed; the delivery request
// is bounded and left to the sweeper), nothing is lost or applied twice, and every reply is delivered
// once when Redis is back – even though Redis comes back empty.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import type { FakeZalo } from "../../support/fake-zalo.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { platformsRuntime, type Platforms } from "../../support/platforms-runtime.ts";
import { startRedis, waitFor, type RedisProcess } from "../../support/processes.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { ZaloCitizen } from "../../support/zalo-citizen.ts";

let redis: RedisProcess;
let zalo: FakeZalo;
let telegram: FakeTelegram;
let rt: Runtime;
let platforms: Platforms | undefined;

beforeAll(async () => {
  redis = await startRedis();
  platforms = await platformsRuntime({ REDIS_URL: redis.url, REDIS_PREFIX: `outage${randomBytes(3).toString("hex")}` });
  ({ telegram, zalo, rt } = platforms);
}, 30_000);
afterAll(async () => {
  await platforms?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Redis outage during webhook traffic", () => {
  it("every webhook answers 200 within 2 s, nothing is lost or doubled, delivery resumes", async () => {
    const tg = Array.from({ length: 4 }, () => new TelegramCitizen(() => rt, telegram));
    const za = Array.from({ length: 4 }, () => new ZaloCitizen(() => rt, zalo));
    const answers: { status: number; ms: number; phase: string }[] = [];
    let phase = "up";
    let running = true;
    const timed = async (post: () => Promise<number>) => {
      const started = Date.now();
      const status = await post();
      answers.push({ status, ms: Date.now() - started, phase });
    };
    const posted = new Map<string, number>();
    const traffic = [...tg, ...za].map(async (c, i) => {
      const key = c instanceof TelegramCitizen ? `telegram:${c.chatId}` : `zalo:${(c as ZaloCitizen).userId}`;
      for (let n = 0; running; n++) {
        const text = n % 2 === 0 ? "/help" : "xin chào";
        await timed(() => (c instanceof TelegramCitizen ? c.post(c.textUpdate(text)) : (c as ZaloCitizen).post((c as ZaloCitizen).textEvent(text))));
        posted.set(key, (posted.get(key) ?? 0) + 1);
        await sleep(120 + i * 10);
      }
    });

    await sleep(1_500);
    phase = "frozen";
    redis.child.kill("SIGSTOP");
    await sleep(3_500);
    redis.child.kill("SIGCONT");
    phase = "up";
    await sleep(1_500);
    phase = "stopped";
    const port = redis.port;
    await redis.stop();
    await sleep(3_500);
    redis = await startRedis(port);
    phase = "up";
    await sleep(1_500);
    running = false;
    await Promise.all(traffic);

    // Every answer was a 200, in time, in every phase.
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(2_000);
    for (const p of ["frozen", "stopped"]) expect(answers.filter((a) => a.phase === p).length).toBeGreaterThan(8);

    // Every posted event applied once; every reply delivered once.
    const chats = [...posted.keys()];
    const settled = await waitFor(async () => {
      const { rows } = await rt.db.pool.query(
        `SELECT channel || ':' || recipient AS chat, status, count(*)::int AS n, count(DISTINCT platform_message_id)::int AS messages FROM outbox
          WHERE channel || ':' || recipient = ANY($1::text[]) GROUP BY 1, 2`,
        [chats],
      );
      return rows.every((r) => r.status === "sent") ? rows : undefined;
    }, 40_000, "every reply delivered");
    for (const chat of chats) {
      const [channel, id] = chat.split(":") as [string, string];
      const { rows: events } = await rt.db.pool.query(
        `SELECT count(*)::int AS n FROM inbound_events e WHERE e.channel = $1::channel
           AND e.received_at > now() - interval '5 minutes'
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.channel = e.channel AND o.recipient = $2
                        AND o.idempotency_key LIKE $1 || ':' || e.external_event_id || ':%')`,
        [channel, id],
      );
      expect(events[0].n, chat).toBe(posted.get(chat));
      // Zalo sends one answer's consecutive rows as one message: they share its platform message id.
      const row = settled.find((r) => r.chat === chat)!;
      const delivered = channel === "telegram" ? telegram.messages(id).length : za.find((z) => z.userId === id)!.messages().length;
      expect(delivered, chat).toBe(channel === "telegram" ? row.n : row.messages);
    }
    console.log(`redis outage: ${answers.length} webhooks, slowest ${slowest} ms, during freeze max ${Math.max(...answers.filter((a) => a.phase === "frozen").map((a) => a.ms))} ms, while stopped max ${Math.max(...answers.filter((a) => a.phase === "stopped").map((a) => a.ms))} ms`);
  }, 90_000);
});
