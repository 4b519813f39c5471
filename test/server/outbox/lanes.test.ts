// Lanes: reply before notice before bulk. A campaign's backlog (bulk rows) drains on the budget the
// replies leave: a citizen who writes during it is answered at once, also when a campaign message to
// that very chat is still waiting, and the campaign still gets its reserved share.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SendBudget } from "../../../server/outbox/budget.ts";
import { deliveryJob } from "../../../server/outbox/jobs.ts";
import { insertOutbox } from "../../../server/outbox/store.ts";
import { createRedis } from "../../../server/redis.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { testConfig } from "../../support/env.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { waitFor } from "../../support/processes.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit, telegramRuntime } from "../../support/telegram-runtime.ts";

const config = testConfig();
const redis = createRedis(config.redisUrl);
afterAll(() => redis.disconnect());

let fake: FakeTelegram | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = fake = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SendBudget", () => {
  // A frozen clock: the lanes' rules, apart from the time it takes to ask Redis on a busy machine.
  const at = { now: 1_000_000 };
  const budget = (limit: number, bulkPerSecond?: number) =>
    new SendBudget({
      redis, key: `${config.redisPrefix}:budget-test:${randomBytes(3).toString("hex")}`, limit, now: () => at.now, ...(bulkPerSecond ? { bulkPerSecond } : {}),
    });
  const fill = async (b: SendBudget, lane: "bulk" | "high") => {
    let n = 0;
    for (;;) {
      const got = await b.tryTake(lane);
      if (typeof got !== "string") return n;
      await b.finished(got, lane);
      n++;
    }
  };

  it("lets bulk use what replies leave but keeps headroom, so a reply is admitted at once during a campaign", async () => {
    const b = budget(30);
    // Bulk alone takes 27 of 30 (10% headroom)…
    expect(await fill(b, "bulk")).toBe(27);
    // …and a reply arriving now is admitted without waiting, up to the limit.
    expect(await fill(b, "high")).toBe(3);
    expect(await b.tryTake("bulk")).toBeGreaterThan(0);
    // Once the refused reply's wait has lapsed (two windows; a waiting reply takes its token before
    // then), bulk may go on.
    at.now += 2_300;
    expect(await fill(b, "bulk")).toBe(27);
  });

  it("keeps a reserved share for bulk while replies saturate the budget, and none while no bulk waits", async () => {
    const b = budget(30);
    // No campaign waiting: replies may use the whole budget.
    expect(await fill(b, "high")).toBe(30);
    // A campaign's attempt is refused, so it is known to wait: from now on replies leave it 3 of 30.
    expect(typeof (await b.tryTake("bulk"))).toBe("number");
    at.now += 1_200;
    expect(await fill(b, "high")).toBe(27);
    expect(await fill(b, "bulk")).toBe(3);
  });

  it("keeps bulk to its pace in any second, and replies still get the rest of the budget", async () => {
    const b = budget(250, 200);
    expect(await fill(b, "bulk")).toBe(200);
    // The 200th bulk send was admitted now: the next may go one second after the first of them.
    expect(await b.tryTake("bulk")).toBe(1_001);
    // Replies take what is left of the limit at once.
    for (let i = 0; i < 50; i++) expect(typeof (await b.tryTake("high"))).toBe("string");
    at.now += 600;
    expect(await b.tryTake("bulk")).toBe(401);
    // A second on, the pace admits bulk again, and only the global window (1.1 s) holds it back now.
    at.now += 401;
    expect(typeof (await b.tryTake("bulk"))).toBe("number");
    at.now += 100;
    expect(await fill(b, "bulk")).toBe(200);
  });

  it("makes bulk wait while a reply waits for a token", async () => {
    const b = budget(10);
    expect(await fill(b, "high")).toBe(10);
    // A reply is refused (the window is full) and now waits; bulk must not take the next free token.
    expect(typeof (await b.tryTake("high", "waiting-reply"))).toBe("number");
    at.now += 1_200;
    expect(typeof (await b.tryTake("bulk"))).toBe("string"); // within its reserve of 1
    expect(typeof (await b.tryTake("bulk"))).toBe("number"); // beyond it: the reply waits
    expect(typeof (await b.tryTake("high", "waiting-reply"))).toBe("string");
  });
});

describe("delivery by lane", () => {
  it("answers a citizen during a campaign backlog at once, before the campaign message to the same chat", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { telegramLimits: { globalPerSecond: 10, perRecipientIntervalMs: 0 } });
    const unit = await addUnit(rt.db.pool);
    const citizen = new TelegramCitizen(() => rt!, fake!);
    const campaign = { kind: "message" as const, message: { text: "Tuần lễ học tập suốt đời: mời bạn tham gia." } };
    // 40 campaign messages (4 s of the budget), one of them to the citizen who is about to write.
    const chats = [String(citizen.chatId), ...Array.from({ length: 39 }, (_, i) => String(9_000_000_000 + i))];
    const tag = randomBytes(4).toString("hex");
    await insertOutbox(rt.db.pool, chats.map((recipient) => ({ channel: "telegram", recipient, payload: campaign, idempotencyKey: `campaign:${tag}:${recipient}`, lane: "bulk" })));
    await rt.deliveries.get("telegram")!.bulkQueue.addBulk(chats.slice(1).map((recipient) => deliveryJob({ channel: "telegram", recipient })));
    await sleep(700);
    expect(await citizen.post(citizen.textUpdate(`/start u_${unit.code}`))).toBe(200);
    await rt.deliveries.get("telegram")!.bulkQueue.add(...(Object.values(deliveryJob({ channel: "telegram", recipient: chats[0]! })) as [string, any, any]));
    const mine = await waitFor(async () => (fake!.messages(citizen.chatId).length >= 3 ? fake!.messages(citizen.chatId) : undefined), 15_000, "replies and the campaign message");
    // The welcome and the consent question first, then the campaign message.
    expect(mine.map((c) => String(c.body.text))).toEqual([expect.stringContaining("Xin chào"), expect.stringContaining("Đồng ý"), campaign.message.text]);
    // The reply did not wait for the backlog (40 messages at 10 per second) to drain before it.
    const campaignBefore = fake.calls.filter((c) => c.method === "sendMessage" && c.body.text === campaign.message.text && c.at < mine[0]!.at).length;
    expect(campaignBefore).toBeLessThan(15);
    // And the whole campaign goes out, once per chat.
    await waitFor(async () => {
      const { rows } = await rt!.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE idempotency_key LIKE $1 AND status = 'sent'`, [`campaign:${tag}:%`]);
      return rows[0].n === chats.length ? true : undefined;
    }, 20_000, "campaign sent");
    const sent = fake.calls.filter((c) => c.method === "sendMessage" && c.body.text === campaign.message.text).map((c) => String(c.body.chat_id));
    expect(sent.sort()).toEqual([...chats].sort());
  }, 40_000);
});
