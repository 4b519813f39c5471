// Officer review end to end: one app process with Telegram (fake Bot API) and the web chat, and drivers
// for both that can follow the engine's answers (seq buttons) and officers' record buttons by label.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import { loadShippedSets } from "../../rules/load-file.ts";
import type { CriteriaSet } from "../../rules/index.ts";
import { createInvitation } from "../../server/officers/invitations.ts";
import { decodeButton, type ConversationState } from "../../bot/engine/index.ts";
import { webChannel } from "../../server/channels/web/index.ts";
import type { Runtime } from "../../server/runtime.ts";
import type { Citizen } from "./drive.ts";
import { FakeTelegram, type RecordedCall } from "./fake-telegram.ts";
import { TelegramCitizen } from "./telegram-citizen.ts";
import { telegramRuntime } from "./telegram-runtime.ts";
import { WebCitizen, type WebReply } from "./web-citizen.ts";
import { FAST_WEB } from "./web-runtime.ts";

export async function reviewRuntime(fake: FakeTelegram): Promise<Runtime> {
  // A whole assessment is more taps a minute than a person makes: the per-session limit is not tested here.
  const web = webChannel({ ...FAST_WEB, limits: { sessionEvents: { max: 1000, windowMs: 60_000 } } });
  return telegramRuntime(fake, { senders: [web.sender], extraRoutes: web.routes });
}

export interface ReviewChat {
  fake: FakeTelegram;
  rt: Runtime;
  /** The shipped criteria set of the "worker" target group. */
  worker: CriteriaSet;
}

/** The test file's review runtime: started before its tests (handed to `use`), stopped after them. */
export function useReviewChat(use: (chat: ReviewChat) => void): void {
  let chat: ReviewChat | undefined;
  beforeAll(async () => {
    const fake = await new FakeTelegram().start();
    chat = { fake, rt: await reviewRuntime(fake), worker: (await loadShippedSets()).find((s) => s.targetGroup === "worker")! };
    use(chat);
  });
  afterAll(async () => {
    await chat?.rt.close();
    await chat?.fake.stop();
  });
}

/** A web chat user that the assessment drivers (drive.ts) can steer, and that taps buttons by label. */
export class WebUser implements Citizen<WebReply> {
  readonly web: WebCitizen;
  seen: WebReply[] = [];

  constructor(target: () => Runtime) {
    this.web = new WebCitizen(target, `198.51.100.${1 + (randomBytes(1)[0]! % 200)}`);
  }

  async open(query = ""): Promise<void> {
    const res = await this.web.open(`/chat${query}`);
    if (res.statusCode !== 200) throw new Error(`open: ${res.statusCode}`);
  }

  async start(body: Record<string, string> = {}): Promise<WebReply[]> {
    const res = await this.web.event({ type: "start", ...body });
    if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`);
    return this.replies();
  }

  async replies(): Promise<WebReply[]> {
    const fresh = await this.web.replies();
    this.seen.push(...fresh);
    return fresh;
  }

  async say(text: string): Promise<WebReply[]> {
    if (text.startsWith("/start")) {
      const unit = /u_(\S+)/.exec(text)?.[1];
      return this.start(unit ? { unit } : {});
    }
    const res = await this.web.event({ type: "text", text });
    if (res.statusCode !== 200) throw new Error(`text: ${res.statusCode} ${res.body}`);
    return this.replies();
  }

  async data(data: string): Promise<WebReply[]> {
    const res = await this.web.event({ type: "button", data });
    if (res.statusCode !== 200) throw new Error(`button: ${res.statusCode} ${res.body}`);
    return this.replies();
  }

  async tap(action: string | ((action: string) => boolean)): Promise<WebReply[]> {
    const wanted = typeof action === "string" ? (a: string) => a === action : action;
    const button = this.seen.flatMap((m) => (m.buttons ?? []).flat()).reverse().find((b) => {
      const d = decodeButton(b.data);
      return d !== null && wanted(d.action.join("."));
    });
    if (!button) throw new Error(`no button for the action among ${this.seen.length} messages`);
    return this.data(button.data);
  }

  /** The actions of the newest message with buttons (the prompt on screen). */
  currentActions(): string[] {
    const last = [...this.seen].reverse().find((m) => (m.buttons ?? []).length > 0);
    return (last?.buttons ?? []).flat().map((b) => decodeButton(b.data)?.action.join(".") ?? "");
  }

  /** Taps the newest button with this label. */
  async tapLabel(label: string): Promise<WebReply[]> {
    return this.data(this.buttonData(label));
  }

  buttonData(label: string): string {
    const button = this.seen.flatMap((m) => (m.buttons ?? []).flat()).reverse().find((b) => b.label === label);
    if (!button) throw new Error(`no button "${label}" among ${JSON.stringify(this.seen.slice(-3))}`);
    return button.data;
  }

  texts(messages: WebReply[] = this.seen): string {
    return messages.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");
  }

  async state(): Promise<ConversationState> {
    return (await this.web.state())!;
  }
}

/** Telegram: the newest button with this label, tapped. */
export function telegramButton(fake: FakeTelegram, chatId: number, label: string): string {
  for (const call of [...fake.messages(chatId)].reverse()) {
    for (const b of (call.body.reply_markup?.inline_keyboard ?? []).flat()) if (b.text === label) return b.callback_data;
  }
  throw new Error(`chat ${chatId}: no button "${label}"`);
}

export const telegramTexts = (calls: RecordedCall[]) => calls.map((c) => String(c.body.text)).join("\n---\n");

export async function tapLabel(c: TelegramCitizen, fake: FakeTelegram, label: string): Promise<RecordedCall[]> {
  return c.tapData(telegramButton(fake, c.chatId, label));
}

export async function inviteOfficer(rt: Runtime, unitCode: string, role: "officer" | "lead" = "officer") {
  const r = await createInvitation(rt.db.pool, { unitCode, role, expiresInMs: 86_400_000, createdBy: "test", now: new Date() });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** An officer on the web chat, from the invitation link (/chat?o=) through consent. */
export async function webOfficerOf(rt: Runtime, unitCode: string, role: "officer" | "lead" = "officer"): Promise<WebUser> {
  const inv = await inviteOfficer(rt, unitCode, role);
  const o = new WebUser(() => rt);
  await o.open(`?o=${inv.token}`);
  const first = await o.start({ invite: inv.token });
  expect(o.texts(first)).toContain("Anh/chị được mời làm cán bộ phụ trách");
  await o.tap("c.y");
  const welcome = await o.say("HÀNG CHỜ");
  expect(o.texts(welcome)).toMatch(/Anh\/chị đã là (cán bộ|trưởng ban) phụ trách/);
  return o;
}
