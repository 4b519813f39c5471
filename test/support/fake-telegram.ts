// A fake Telegram Bot API on 127.0.0.1: records every call, answers like Telegram, and can be told to
// refuse the next calls (429 with retry_after, 403, 500) or to hold a response.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  body: Record<string, any>;
  at: number;
  /** sendMessage: the message_id Telegram gave the message. */
  messageId?: number;
}

type Scripted = { status: number; body: object } | { holdMs: number };

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private server: Server;
  private nextMessageId = 1;
  private script: { method: string; answer: Scripted }[] = [];
  private listeners: ((call: RecordedCall) => void)[] = [];
  private updates: { update_id: number }[] = [];
  /** getUpdates requests the client gave up on before the fake answered (cut off by a client timeout). */
  abandonedPolls = 0;
  apiRoot = "";

  constructor(readonly token = "123456:TEST-token-abcdefghijklmnop") {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next call of `method` gets this answer instead of success. */
  failNext(method: string, answer: Scripted): void {
    this.script.push({ method, answer });
  }

  /** An update for a bot in polling mode: getUpdates hands it out until an offset confirms it. */
  pushUpdate(update: { update_id: number }): void {
    this.updates.push(update);
  }

  onCall(listener: (call: RecordedCall) => void): void {
    this.listeners.push(listener);
  }

  /** Messages sent to one chat, in order, and edits of them (a multi-choice tick edits its question). */
  messages(chatId: string | number): RecordedCall[] {
    return this.calls.filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && String(c.body.chat_id) === String(chatId));
  }

  private async handle(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const send = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!match || match[1] !== this.token) return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    let body: Record<string, any> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(400, { ok: false, error_code: 400, description: "Bad Request: invalid JSON" });
    }
    const call: RecordedCall = { method, body, at: Date.now() };
    const i = this.script.findIndex((s) => s.method === method);
    if (i >= 0) {
      const answer = this.script.splice(i, 1)[0]!.answer;
      if ("holdMs" in answer) {
        // Record the call (the message "reached Telegram"), then answer late.
        this.record(call);
        await new Promise((r) => setTimeout(r, answer.holdMs));
        return this.succeed(call, send);
      }
      this.calls.push({ ...call, method: `${method}:refused` });
      return send(answer.status, answer.body);
    }
    this.record(call);
    if (method === "getUpdates") {
      let answered = false;
      res.once("close", () => {
        if (!answered && this.server.listening) this.abandonedPolls++;
      });
      return this.getUpdates(body, (status, b) => {
        answered = true;
        send(status, b);
      }, () => res.destroyed);
    }
    this.succeed(call, send);
  }

  /**
   * Like Telegram: updates from `offset` on (earlier ones are confirmed and forgotten); with none, the
   * request is held until one arrives or `timeout` seconds have passed, then answered with an empty list.
   */
  private async getUpdates(body: Record<string, any>, send: (s: number, b: object) => void, gone: () => boolean): Promise<void> {
    const offset = Number(body.offset ?? 0);
    const holdMs = Math.max(0, Number(body.timeout ?? 0)) * 1000;
    for (let waited = 0; ; waited += 20) {
      this.updates = this.updates.filter((u) => u.update_id >= offset);
      if (gone()) return;
      if (this.updates.length > 0 || waited >= holdMs || !this.server.listening) return send(200, { ok: true, result: this.updates.slice(0, 100) });
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const l of this.listeners) l(call);
  }

  private succeed(call: RecordedCall, send: (s: number, b: object) => void): void {
    const { method, body } = call;
    if (method === "sendMessage" || method === "editMessageText" || method === "sendPhoto") {
      // Like Telegram, only a message that was sent gets an id (kept on the recorded call too).
      if (method !== "editMessageText") call.messageId = this.nextMessageId++;
      const messageId = method !== "editMessageText" ? call.messageId : Number(body.message_id);
      return send(200, {
        ok: true,
        result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: "private" }, text: body.text },
      });
    }
    if (method === "answerCallbackQuery" || method === "setWebhook" || method === "deleteWebhook") return send(200, { ok: true, result: true });
    send(200, { ok: true, result: true });
  }
}

export const retryAfter = (seconds: number) => ({
  status: 429,
  body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } },
});
