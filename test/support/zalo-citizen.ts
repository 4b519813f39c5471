// A citizen on Zalo, for end-to-end tests: signed webhook events to POST /webhooks/zalo, replies read
// from the fake OA API. Button taps are what Zalo sends for an `oa.query.hide` button: a
// user_send_text whose text is the button's payload.
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { decodeButton, type ConversationState } from "../../bot/engine/index.ts";
import { BUTTON_PAYLOAD_PREFIX } from "../../server/channels/zalo/render.ts";
import type { FakeZalo, RecordedCall } from "./fake-zalo.ts";
import { waitForDelivery } from "./drive.ts";

const TYPED: Record<string, string> = { "a.y": "có", "a.n": "không" };

export const ZALO_APP_ID = "4318090017715201234";
export const ZALO_OA_SECRET = "oa-secret-key-for-tests";

export class ZaloCitizen {
  readonly userId: string;
  private seen = 0;
  /** msg_ids of this citizen's messages: a reply names one instead of the user id. */
  private readonly sent = new Set<string>();

  constructor(
    private readonly target: () => { app: FastifyInstance; db: { pool: pg.Pool } },
    private readonly fake: FakeZalo,
  ) {
    // Zalo ids exceed 2^53: keep them as strings end to end.
    this.userId = `${randomInt(1, 9)}${Array.from({ length: 18 }, () => randomInt(0, 10)).join("")}`;
  }

  event(name: string, extra: Record<string, unknown> = {}): { raw: string; signature: string } {
    const timestamp = String(Date.now());
    const body = {
      app_id: ZALO_APP_ID,
      event_name: name,
      sender: { id: this.userId },
      recipient: { id: "579745863508352884" },
      timestamp,
      user_id_by_app: "1",
      ...extra,
    };
    const raw = JSON.stringify(body);
    const mac = createHash("sha256").update(ZALO_APP_ID + raw + timestamp + ZALO_OA_SECRET).digest("hex");
    return { raw, signature: `mac=${mac}` };
  }

  textEvent(text: string) {
    const msgId = randomBytes(16).toString("hex");
    this.sent.add(msgId);
    return this.event("user_send_text", { message: { text, msg_id: msgId } });
  }

  async post(e: { raw: string; signature?: string }): Promise<number> {
    return (await this.send(e)).status;
  }

  /** Posts an event; resolves with the webhook's HTTP status and JSON answer ({ ok, status: applied | duplicate }). */
  async send(e: { raw: string; signature?: string }): Promise<{ status: number; body: unknown }> {
    const res = await this.target().app.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json", ...(e.signature ? { "x-zevent-signature": e.signature } : {}) },
      payload: e.raw,
    });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body };
  }

  async say(text: string): Promise<RecordedCall[]> {
    const status = await this.post(this.textEvent(text));
    if (status !== 200) throw new Error(`webhook answered ${status}`);
    return this.replies();
  }

  readonly prefersTyping = true;

  /**
   * Taps the button, or – where Zalo's five-button limit left the choices as a numbered list in the
   * text – types what a citizen would: the option's number, or "có"/"không".
   */
  async tap(action: string | ((a: string) => boolean)): Promise<RecordedCall[]> {
    const wanted = typeof action === "string" ? (a: string) => a === action : action;
    let payload: string;
    try {
      payload = this.findPayload(wanted);
    } catch (error) {
      const typed = typeof action === "string" ? TYPED[action] ?? /^a\.(\d+)$/.exec(action)?.[1] : undefined;
      if (typed === undefined) throw error;
      return this.say(/^\d+$/.test(typed) ? String(Number(typed) + 1) : typed);
    }
    return this.say(payload);
  }

  /** A button of the newest message with buttons whose decoded action matches (what a tap sends back). */
  findPayload(wanted: (a: string) => boolean): string {
    // Only the prompt on screen: an older message's button would be stale.
    const newest = [...this.messages()].reverse().find((call) => ((call.json as any).message?.attachment?.payload?.buttons ?? []).length > 0);
    for (const call of newest ? [newest] : []) {
      const buttons = (call.json as any).message?.attachment?.payload?.buttons ?? [];
      for (const b of buttons) {
        const data = String(b.payload).slice(BUTTON_PAYLOAD_PREFIX.length);
        const d = decodeButton(data);
        if (d && wanted(d.action.join("."))) return String(b.payload);
      }
    }
    throw new Error(`zalo user ${this.userId}: no such button; last message: ${JSON.stringify(this.messages().at(-1)?.json)}`);
  }

  /** Messages the OA sent this citizen: to the user id, or as a reply naming one of their messages. */
  messages(): RecordedCall[] {
    return this.fake.sends().filter((c) => {
      const to = (c.json as any)?.recipient;
      return to?.user_id === this.userId || this.sent.has(to?.message_id);
    });
  }

  async replies(): Promise<RecordedCall[]> {
    await waitForDelivery(this.target().db.pool, "zalo", this.userId);
    const all = this.messages();
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  async state(): Promise<ConversationState> {
    const { rows } = await this.target().db.pool.query(
      `SELECT state FROM channel_accounts WHERE channel = 'zalo' AND external_id = $1`,
      [this.userId],
    );
    return rows[0]?.state;
  }
}
