// TELEGRAM_MODE=polling (development): updates fetched with getUpdates from the fake Bot API go through
// the same pipeline as the webhook's, each applied once, and stopping the runtime stops the polling.
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../../server/runtime.ts";
import { testConfig } from "../../../support/env.ts";
import { FakeTelegram } from "../../../support/fake-telegram.ts";
import { TelegramCitizen } from "../../../support/telegram-citizen.ts";
import { FAST, addUnit } from "../../../support/telegram-runtime.ts";
import { waitFor } from "../../../support/processes.ts";

let fake: FakeTelegram | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = fake = undefined;
});

describe("Telegram in polling mode", () => {
  it("answers updates fetched with getUpdates, once each, and stops polling on close", async () => {
    fake = await new FakeTelegram().start();
    const config = testConfig({ TELEGRAM_MODE: "polling", TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    rt = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500, telegramLimits: FAST });
    await rt.start();
    const unit = await addUnit(rt.db.pool);
    const citizen = new TelegramCitizen(() => rt!, fake);
    const start = citizen.textUpdate(`/start u_${unit.code}`);
    fake.pushUpdate(start as { update_id: number });
    // Telegram may hand out an update again until it is confirmed: it is still applied once.
    fake.pushUpdate(start as { update_id: number });
    const titles = await waitFor(async () => {
      const sent = fake!.messages(citizen.chatId).map((c) => String(c.body.text));
      return sent.length >= 2 ? sent : undefined;
    }, 15_000, "the welcome");
    expect(titles[0]).toContain("Xin chào!");
    expect(titles[1]).toContain("Đồng ý cho lưu thông tin");
    const { rows } = await rt.db.pool.query(`SELECT state FROM channel_accounts WHERE channel = 'telegram' AND external_id = $1`, [String(citizen.chatId)]);
    expect(rows[0].state).toMatchObject({ step: { kind: "consent" }, pendingUnit: unit.code });
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages(citizen.chatId)).toHaveLength(2);
    expect(fake.calls.some((c) => c.method === "deleteWebhook")).toBe(true);
    // The command menu: Vietnamese by default and for "vi", English for "en", naming the words too.
    const menus = fake.calls.filter((c) => c.method === "setMyCommands").map((c) => c.body);
    expect(menus.map((m) => m.language_code)).toEqual([undefined, "vi", "en"]);
    expect(menus[0]!.commands).toContainEqual({ command: "status", description: "Xem đang ở bước nào (TRẠNG THÁI)" });
    expect(menus[2]!.commands).toContainEqual({ command: "status", description: "Where you are" });

    await rt.close();
    rt = undefined;
    const polls = fake.calls.filter((c) => c.method === "getUpdates").length;
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.calls.filter((c) => c.method === "getUpdates").length).toBe(polls);
  }, 30_000);
});
