// A citizen on Telegram, for end-to-end tests: sends real updates to POST /webhooks/telegram and reads
// the replies the outbox worker delivered to the fake Bot API. The engine state in PostgreSQL tells the
// driver which question is on screen; answers are chosen through the buttons the citizen received.
import { randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { decodeButton, type ConversationState } from "../../bot/engine/index.ts";
import type { RecordedCall, FakeTelegram } from "./fake-telegram.ts";
import { waitForDelivery } from "./drive.ts";

let nextUpdateId = randomInt(1, 2 ** 40);

export const SECRET = "test-webhook-secret-0123456789";

export class TelegramCitizen {
  readonly chatId: number;
  private seen = 0;

  /** `target` is read on every call, so a test may replace the app process half-way. */
  constructor(
    private readonly target: () => { app: FastifyInstance; db: { pool: pg.Pool } },
    private readonly fake: FakeTelegram,
    chatId?: number,
  ) {
    this.chatId = chatId ?? randomInt(1_000_000, 2 ** 40);
  }

  /** Posts an update; resolves with the webhook's HTTP status. */
  async post(update: Record<string, unknown>, secret = SECRET): Promise<number> {
    const res = await this.target().app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      payload: update,
    });
    return res.statusCode;
  }

  textUpdate(text: string): Record<string, unknown> {
    const id = nextUpdateId++;
    return {
      update_id: id,
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.chatId, type: "private", first_name: "Test" },
        from: { id: this.chatId, is_bot: false, first_name: "Test" },
        text,
        ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] } : {}),
      },
    };
  }

  buttonUpdate(data: string, messageId = 1): Record<string, unknown> {
    const id = nextUpdateId++;
    return {
      update_id: id,
      callback_query: {
        id: `cb${id}`,
        from: { id: this.chatId, is_bot: false, first_name: "Test" },
        chat_instance: "ci",
        message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: this.chatId, type: "private" }, text: "…" },
        data,
      },
    };
  }

  async say(text: string): Promise<RecordedCall[]> {
    expect200(await this.post(this.textUpdate(text)));
    return this.replies();
  }

  async tapData(data: string, messageId?: number): Promise<RecordedCall[]> {
    expect200(await this.post(this.buttonUpdate(data, messageId)));
    return this.replies();
  }

  /** Taps the newest received button whose decoded action matches (on the message that carries it). */
  async tap(action: string | ((action: string) => boolean)): Promise<RecordedCall[]> {
    const wanted = typeof action === "string" ? (a: string) => a === action : action;
    const found = this.findButtonOn(wanted);
    return this.tapData(found.data, found.messageId);
  }

  findButton(wanted: (action: string) => boolean): string {
    return this.findButtonOn(wanted).data;
  }

  /** The button's data and the id of the message it is on (a sent message, or the one an edit changed). */
  findButtonOn(wanted: (action: string) => boolean): { data: string; messageId: number } {
    for (const call of [...this.fake.messages(this.chatId)].reverse()) {
      for (const b of (call.body.reply_markup?.inline_keyboard ?? []).flat()) {
        const d = decodeButton(b.callback_data);
        if (d && wanted(d.action.join("."))) return { data: b.callback_data, messageId: call.messageId ?? Number(call.body.message_id) };
      }
    }
    throw new Error(`chat ${this.chatId}: no such button among ${this.fake.messages(this.chatId).length} messages`);
  }

  /** Waits until every outbox row of this chat is settled, then returns the messages new since last time. */
  async replies(): Promise<RecordedCall[]> {
    await waitForDelivery(this.target().db.pool, "telegram", String(this.chatId));
    const all = this.fake.messages(this.chatId);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  async state(): Promise<ConversationState> {
    const { rows } = await this.target().db.pool.query(
      `SELECT state FROM channel_accounts WHERE channel = 'telegram' AND external_id = $1`,
      [String(this.chatId)],
    );
    return rows[0]?.state;
  }

  allTexts(): string[] {
    return this.fake.messages(this.chatId).map((c) => String(c.body.text));
  }
}

function expect200(status: number): void {
  if (status !== 200) throw new Error(`webhook answered ${status}`);
}
