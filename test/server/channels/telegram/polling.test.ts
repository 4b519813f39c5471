// TELEGRAM_MODE=polling (development): updates fetched with getUpdates from the fake Bot API go through
// the same pipeline as the webhook's, each applied once, and stopping the runtime stops the polling.
import { afterEach, describe, expect, it } from "vitest";
import { decodeButton, type ConversationState } from "../../../../bot/engine/index.ts";
import { createLogger } from "../../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../../server/runtime.ts";
import { testConfig } from "../../../support/env.ts";
import { FakeTelegram } from "../../../support/fake-telegram.ts";
import { TelegramCitizen } from "../../../support/telegram-citizen.ts";
import { FAST, addUnit } from "../../../support/telegram-runtime.ts";
import { waitFor } from "../../../support/processes.ts";
import { storedChat } from "../../../support/stored.ts";

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
    await citizen.replies();
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages(citizen.chatId)).toHaveLength(2);
    // Applied once: one inbound record, the two replies written once and each sent once, and the state
    // of one /start – the consent buttons the citizen sees are the live ones (a second application
    // would have moved the state on and left them stale).
    const stored = await storedChat(rt.db.pool, "telegram", String(citizen.chatId), String(start.update_id));
    expect(stored.inbound).toBe(1);
    expect(stored.chatRows).toBe(2);
    expect(stored.eventRows.map((r) => [r.kind, r.status, r.attempts])).toEqual([["message", "sent", 1], ["message", "sent", 1]]);
    expect(stored.eventRows.map((r) => Number(r.platformMessageId))).toEqual(fake.messages(citizen.chatId).map((c) => c.messageId));
    const state = stored.account!.state as ConversationState;
    expect(state).toMatchObject({ step: { kind: "consent" }, pendingUnit: unit.code });
    expect(decodeButton(citizen.findButton((a) => a === "c.y"))!.seq).toBe(state.seq);
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

  it("keeps an idle long poll open past the send timeout, so an update arriving later is answered at once", async () => {
    fake = await new FakeTelegram().start();
    const config = testConfig({ TELEGRAM_MODE: "polling", TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    rt = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500, telegramLimits: FAST });
    await rt.start();
    const unit = await addUnit(rt.db.pool);
    const citizen = new TelegramCitizen(() => rt!, fake);
    // Idle for longer than a send may take (10 s): before, every idle poll was cut off there by the
    // client and polling then paused for 3 s, so an update arriving now waited up to 3 s.
    await new Promise((r) => setTimeout(r, 11_500));
    const polls = fake.calls.filter((c) => c.method === "getUpdates");
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((c) => Number(c.body.timeout) > 0)).toBe(true);
    const pushedAt = Date.now();
    fake.pushUpdate(citizen.textUpdate(`/start u_${unit.code}`) as { update_id: number });
    await waitFor(async () => (fake!.messages(citizen.chatId).length >= 1 ? true : undefined), 5_000, "the welcome");
    expect(fake.messages(citizen.chatId)[0]!.at - pushedAt).toBeLessThan(1_000);
    expect(fake.abandonedPolls).toBe(0);
  }, 30_000);
});
