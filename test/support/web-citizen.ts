// A citizen of the web chat for API tests: opens /chat (which sets the signed cookie), posts events with
// app.inject and reads the replies the outbox delivered through GET /chat/api/messages.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { LightMyRequestResponse } from "fastify";
import type pg from "pg";
import { TARGET_GROUPS, type ConversationState } from "../../bot/engine/index.ts";
import { waitForDelivery } from "./drive.ts";

export interface WebReply {
  id: string;
  title?: string;
  text: string;
  buttons?: { label: string; data: string }[][];
  /** The id of the shown message this one replaces in place. */
  replaces?: string;
}

export const newClientEventId = () => randomBytes(12).toString("base64url");

export class WebCitizen {
  cookie = "";
  last = "0";

  constructor(
    private readonly target: () => { app: FastifyInstance; db: { pool: pg.Pool } },
    readonly ip = "203.0.113.10",
  ) {}

  /** The account id: the cookie value before its signature. */
  get account(): string {
    return this.cookie.split("=")[1]!.split(".")[0]!;
  }

  async open(url = "/chat"): Promise<LightMyRequestResponse> {
    const res = await this.target().app.inject({ method: "GET", url, remoteAddress: this.ip, headers: this.cookie ? { cookie: this.cookie } : {} });
    const set = res.headers["set-cookie"];
    if (typeof set === "string") this.cookie = set.split(";")[0]!;
    return res;
  }

  post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.target().app.inject({
      method: "POST",
      url,
      remoteAddress: this.ip,
      headers: { "content-type": "application/json", ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      payload: typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  }

  event(body: Record<string, unknown>): Promise<LightMyRequestResponse> {
    return this.post("/chat/api/events", { clientEventId: newClientEventId(), ...body });
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.target().app.inject({ method: "GET", url, remoteAddress: this.ip, headers: this.cookie ? { cookie: this.cookie } : {} });
  }

  /** Waits until this citizen's outbox rows are delivered, then returns the replies new since last time. */
  async replies(): Promise<WebReply[]> {
    await waitForDelivery(this.target().db.pool, "web", this.account);
    const res = await this.get(`/chat/api/messages?after=${this.last}`);
    if (res.statusCode !== 200) throw new Error(`messages: ${res.statusCode} ${res.body}`);
    const body = res.json() as { messages: WebReply[]; last: string };
    this.last = body.last;
    return body.messages;
  }

  async say(text: string): Promise<WebReply[]> {
    const res = await this.event({ type: "text", text });
    if (res.statusCode !== 200) throw new Error(`events: ${res.statusCode} ${res.body}`);
    return this.replies();
  }

  /** Taps the newest delivered button whose action (data after the seq) is `action`. */
  async tap(action: string, among: WebReply[]): Promise<WebReply[]> {
    const button = among.flatMap((m) => (m.buttons ?? []).flat()).reverse().find((b) => b.data.split(".").slice(1).join(".") === action);
    if (!button) throw new Error(`no button ${action} among ${JSON.stringify(among.map((m) => m.buttons))}`);
    const res = await this.event({ type: "button", data: button.data });
    if (res.statusCode !== 200) throw new Error(`events: ${res.statusCode} ${res.body}`);
    return this.replies();
  }

  /**
   * Opens the page and goes through consent, the "worker" group, the unit typed by its code, a name and
   * a birth year: at the first question. Returns the replies to the birth year.
   */
  async onboardTyped(unitCode: string, name: string, birthYear = "1980"): Promise<WebReply[]> {
    await this.open();
    await this.event({ type: "start" });
    let r = await this.replies();
    r = await this.tap("c.y", r);
    await this.tap(`g.${TARGET_GROUPS.indexOf("worker")}`, r);
    await this.say(unitCode);
    await this.say(name);
    return this.say(birthYear);
  }

  async state(): Promise<ConversationState | undefined> {
    const { rows } = await this.target().db.pool.query(`SELECT state FROM channel_accounts WHERE channel = 'web' AND external_id = $1`, [this.account]);
    return rows[0]?.state;
  }
}

/** Rows a web account left in the inbound path: what "nothing changed" is checked against. */
export async function footprint(pool: pg.Pool, account: string) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*)::int FROM inbound_events WHERE channel = 'web' AND starts_with(external_event_id, $1 || ':')) AS inbound,
            (SELECT count(*)::int FROM outbox WHERE channel = 'web' AND recipient = $1) AS outbox,
            (SELECT count(*)::int FROM channel_accounts WHERE channel = 'web' AND external_id = $1) AS accounts,
            (SELECT count(*)::int FROM web_uploads WHERE web_account = $1) AS uploads`,
    [account],
  );
  return rows[0] as { inbound: number; outbox: number; accounts: number; uploads: number };
}
