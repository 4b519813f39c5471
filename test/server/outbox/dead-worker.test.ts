// A row a dead worker left `sending` (claimed, platform call never recorded), as the next worker finds
// it: on the web chat, where delivering again cannot show the message twice (the page reads the row),
// it is delivered; on Telegram, where nobody can know whether the call arrived, it becomes `uncertain`
// and is never sent again – the fake Bot API receives nothing for it.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelName } from "../../../bot/types.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { drawFence, insertOutbox } from "../../../server/outbox/store.ts";
import { requestDelivery } from "../../../server/outbox/worker.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { telegramRuntime } from "../../support/telegram-runtime.ts";
import { webRuntime } from "../../support/web-runtime.ts";
import { chatId, settled } from "./support.ts";

let rt: Runtime | undefined;
let fake: FakeTelegram | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = undefined;
  fake = undefined;
});

/** One row claimed by a worker that then died: `sending` under an old fence, one attempt counted. */
async function leftSending(runtime: Runtime, channel: ChannelName, recipient: string): Promise<string> {
  const [id] = await insertOutbox(runtime.db.pool, [
    { channel, recipient, payload: { kind: "message", message: { text: "Nhắc tuần lễ học tập" } }, idempotencyKey: `dead:${randomBytes(6).toString("hex")}`, lane: "bulk" },
  ]);
  const fence = await drawFence(runtime.db.pool);
  await runtime.db.pool.query(`UPDATE outbox SET status = 'sending', attempts = 1, claim_fence = $2 WHERE id = $1`, [id, fence]);
  await requestDelivery(runtime.deliveries.get(channel)!.bulkQueue, { channel, recipient });
  return id!;
}

describe("a row left sending by a dead worker", () => {
  it("is delivered again on the web chat, where a second delivery cannot show it twice", async () => {
    rt = await webRuntime();
    const recipient = randomBytes(8).toString("hex");
    await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id) VALUES ('web', $1)`, [recipient]);
    const id = await leftSending(rt, "web", recipient);
    const [row] = await settled(rt, [id]);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("becomes uncertain on Telegram and is never sent again", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const recipient = chatId();
    await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id) VALUES ('telegram', $1)`, [recipient]);
    const id = await leftSending(rt, "telegram", recipient);
    const [row] = await settled(rt, [id]);
    expect(row).toMatchObject({ status: "uncertain", attempts: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages(recipient)).toEqual([]);
  });
});
