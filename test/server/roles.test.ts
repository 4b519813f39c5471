// Scaling out: two web processes (ROLE=web) and one worker (ROLE=worker) – real child processes of
// server/main.ts – share PostgreSQL and Redis. A stream of Telegram updates for several chats is split
// between the two web processes, and a third of the updates is delivered again to the other one (as
// Telegram re-delivers): every update is applied once, and every reply reaches the fake Bot API once,
// in order. The web processes deliver nothing themselves: stopping the worker stops delivery.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { renderTelegram } from "../../server/channels/telegram/render.ts";
import type { OutboxPayload } from "../../server/outbox/types.ts";
import { testEnv } from "../support/env.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { freePort, runEntry, stopChild, waitFor, type ServerProcess } from "../support/processes.ts";
import { SECRET, TelegramCitizen } from "../support/telegram-citizen.ts";
import { addUnit } from "../support/telegram-runtime.ts";

const procs: ServerProcess[] = [];
let fake: FakeTelegram | undefined;
const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });

afterAll(async () => {
  await Promise.all(procs.map((p) => stopChild(p.child)));
  await fake?.stop();
  await pool.end();
});

async function start(role: "web" | "worker", env: Record<string, string>): Promise<{ url: string; proc: ServerProcess }> {
  const port = await freePort();
  const proc = runEntry("server/main.ts", testEnv({ ...env, ROLE: role, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" }));
  procs.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), 30_000, `${role} process ready`);
  return { url, proc };
}

async function post(url: string, update: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${url}/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  return res.status;
}

describe("ROLE=web ×2 and ROLE=worker", () => {
  it("apply a split, replayed stream of updates once and deliver every reply once, in order", async () => {
    fake = await new FakeTelegram().start();
    const env = {
      TELEGRAM_MODE: "webhook",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      REDIS_PREFIX: `${inject("redisPrefix")}_roles_${randomBytes(3).toString("hex")}`,
    };
    const [a, b, worker] = await Promise.all([start("web", env), start("web", env), start("worker", env)]);
    // The worker answers health checks but takes no webhooks.
    expect((await fetch(`${worker.url}/webhooks/telegram`, { method: "POST" })).status).toBe(404);

    const unit = await addUnit(pool);
    const webs = [a.url, b.url];
    const chats = Array.from({ length: 8 }, () => new TelegramCitizen(() => { throw new Error("not in process"); }, fake!));
    const texts = [`/start u_${unit.code}`, "/help", "/status", "xin chào"];
    const updateIds: number[] = [];
    let n = 0;
    await Promise.all(
      chats.map(async (chat) => {
        // One chat's updates one after another, as Telegram holds a chat's next update until the last is taken.
        for (const text of texts) {
          const update = chat.textUpdate(text);
          updateIds.push(update.update_id as number);
          const i = n++;
          expect(await post(webs[i % 2]!, update)).toBe(200);
          if (i % 3 === 0) expect(await post(webs[(i + 1) % 2]!, update)).toBe(200);
        }
      }),
    );

    const { rows: applied } = await pool.query(
      `SELECT count(*)::int AS n FROM inbound_events WHERE channel = 'telegram' AND external_event_id = ANY($1::text[])`,
      [updateIds.map(String)],
    );
    expect(applied[0].n).toBe(updateIds.length);

    const expected = async (chatId: number) => {
      const { rows } = await pool.query<{ payload: OutboxPayload; status: string }>(
        `SELECT payload, status FROM outbox WHERE channel = 'telegram' AND recipient = $1 ORDER BY id`,
        [String(chatId)],
      );
      return rows;
    };
    // At the Bot API's pace of one message per second per chat.
    await waitFor(async () => {
      for (const chat of chats) {
        const rows = await expected(chat.chatId);
        if (rows.length === 0 || rows.some((r) => r.status !== "sent")) return undefined;
      }
      return true;
    }, 60_000, "every reply sent");
    await new Promise((r) => setTimeout(r, 1_500));
    for (const chat of chats) {
      const rows = await expected(chat.chatId);
      const want = rows.flatMap((r) => (r.payload.kind === "message" ? renderTelegram(r.payload.message).map((p) => p.text) : []));
      expect(fake.messages(chat.chatId).map((c) => c.body.text)).toEqual(want);
      // Four updates: the welcome and consent, help, status, and the reminder of the open question.
      expect(want.length).toBeGreaterThanOrEqual(4);
    }

    // Web processes only take HTTP: with the worker gone, a new update is applied but not delivered.
    await stopChild(worker.proc.child);
    const late = chats[0]!;
    const before = fake.messages(late.chatId).length;
    expect(await post(a.url, late.textUpdate("/help"))).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(fake.messages(late.chatId).length).toBe(before);
    const rows = await expected(late.chatId);
    expect(rows.at(-1)!.status).toBe("pending");
  }, 120_000);
});
