// "Xem chi tiết" shows the evidence (real PostgreSQL and Redis, the fake Bot API, the web chat): a
// Telegram photo is re-sent to a Telegram officer by its file id (sendPhoto); a web upload is opened
// through a short-lived link signed for that officer – the test reads the bytes – while a forged, an
// expired or another officer's link is refused with a 4xx.
import { describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { resolveWebSecret } from "../../../server/channels/web/index.ts";
import { evidenceLink } from "../../../server/review/evidence.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { answerCurrent, onboard, submitReview, waitForDelivery, type Citizen } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { inviteOfficer, telegramTexts, webOfficerOf, WebUser, useReviewChat } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const FILE_ID = "AgACAgUAAxkBAAIBQ2dEvidence-photo-file-id";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

useReviewChat((chat) => ({ fake, rt, worker } = chat));

/** Answers everything; at the first question that takes a photo, sends one first. */
async function submitWithPhoto(c: Citizen, send: () => Promise<void>): Promise<void> {
  let sent = false;
  for (let i = 0; i < 200; i++) {
    const s = await c.state();
    if (!sent && s.step.kind === "question" && s.step.qid === "learn_hours") {
      await send();
      sent = true;
    }
    if (!(await answerCurrent(c, worker, "best", {}))) break;
  }
  expect(sent).toBe(true);
  await submitReview(c);
}

async function telegramOfficer(unitCode: string): Promise<TelegramCitizen> {
  const inv = await inviteOfficer(rt, unitCode);
  const o = new TelegramCitizen(() => rt, fake);
  await o.say(`/start o_${inv.token}`);
  await o.tap("c.y");
  expect(telegramTexts(await o.say("/queue"))).toContain("Anh/chị đã là cán bộ phụ trách");
  return o;
}

async function assessmentOf(channel: string, externalId: string): Promise<string> {
  const { rows } = await rt.db.pool.query(
    `SELECT a.id FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id WHERE c.channel = $1 AND c.external_id = $2 AND a.status = 'submitted'`,
    [channel, externalId],
  );
  return rows[0].id;
}

async function personOf(channel: string, externalId: string): Promise<string> {
  const { rows } = await rt.db.pool.query(`SELECT person_id FROM channel_accounts WHERE channel = $1 AND external_id = $2`, [channel, externalId]);
  return rows[0].person_id;
}

/** The officer opens every details page; the Bot API calls that came of it. */
async function openAllPages(o: TelegramCitizen, assessmentId: string) {
  const calls = [];
  for (let page = 0; page < 10; page++) calls.push(...(await o.tapData(`R.vw.${assessmentId}.${page}`)));
  return calls;
}

describe("Xem chi tiết shows the evidence", () => {
  it("a Telegram photo is re-sent to a Telegram officer by its file id; a web officer is told where it is", async () => {
    const unit = await addUnit(rt.db.pool, "Phường Ảnh");
    await rt.units.refresh();
    const officer = await telegramOfficer(unit.code);
    const webOfficer = await webOfficerOf(rt, unit.code);
    const c = new TelegramCitizen(() => rt, fake);
    await onboard(c, worker, unit.code);
    await submitWithPhoto(c, async () => {
      const update = c.textUpdate("x") as { message: Record<string, unknown> };
      delete update.message.text;
      update.message.photo = [{ file_id: "small-id", file_unique_id: "s", width: 90, height: 90 }, { file_id: FILE_ID, file_unique_id: "b", width: 1280, height: 960 }];
      expect(await c.post(update)).toBe(200);
      await c.replies();
    });
    const id = await assessmentOf("telegram", String(c.chatId));
    await waitForDelivery(rt.db.pool, "telegram", String(officer.chatId));

    await openAllPages(officer, id);
    await waitForDelivery(rt.db.pool, "telegram", String(officer.chatId));
    const photos = fake.calls.filter((call) => call.method === "sendPhoto" && String(call.body.chat_id) === String(officer.chatId));
    expect(photos).toHaveLength(1);
    expect(photos[0]!.body.photo).toBe(FILE_ID);
    expect(String(photos[0]!.body.caption)).toContain("Minh chứng câu");

    webOfficer.seen = [];
    for (let page = 0; page < 10; page++) await webOfficer.data(`R.vw.${id}.${page}`);
    expect(webOfficer.texts()).toContain("1 ảnh gửi qua Telegram");
  });

  it("a web upload opens through a link signed for the officer; forged, expired and another officer's links get a 4xx", async () => {
    const unit = await addUnit(rt.db.pool, "Xã Tải Ảnh");
    const other = await addUnit(rt.db.pool, "Xã Khác");
    await rt.units.refresh();
    const officer = await telegramOfficer(unit.code);
    const stranger = await webOfficerOf(rt, other.code);
    const c = new WebUser(() => rt);
    await c.open();
    await onboard(c, worker, unit.code);
    await submitWithPhoto(c, async () => {
      const res = await c.web.post(`/chat/api/evidence?clientEventId=evidence${Date.now()}`, PNG, { "content-type": "image/png" });
      expect(res.statusCode).toBe(200);
      await c.replies();
    });
    const id = await assessmentOf("web", c.web.account);
    await waitForDelivery(rt.db.pool, "telegram", String(officer.chatId));

    const text = telegramTexts(await openAllPages(officer, id));
    // The Bot API gets HTML; Telegram shows "&" for "&amp;".
    const link = /https?:\/\/\S+\/review\/evidence\/\S+/.exec(text)?.[0]?.replaceAll("&amp;", "&");
    expect(link).toBeDefined();
    const url = new URL(link!);
    const get = (path: string) => rt.app.inject({ method: "GET", url: path });
    const ok = await get(url.pathname + url.search);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["content-type"]).toBe("image/png");
    expect(ok.headers["cache-control"]).toBe("private, no-store");
    expect(ok.rawPayload.equals(PNG)).toBe(true);

    const q = url.searchParams;
    const uploadId = url.pathname.split("/").at(-1)!;
    // Forged: another signature, or the link taken over for another officer or another upload.
    const forged = new URLSearchParams(q);
    forged.set("s", `${q.get("s")!.slice(0, -2)}AA`);
    expect((await get(`${url.pathname}?${forged}`)).statusCode).toBe(403);
    const strangerId = await personOf("web", stranger.web.account);
    const takenOver = new URLSearchParams(q);
    takenOver.set("o", strangerId);
    expect((await get(`${url.pathname}?${takenOver}`)).statusCode).toBe(403);
    const { rows } = await rt.db.pool.query(`SELECT gen_random_uuid() AS id`);
    expect((await get(`/review/evidence/${rows[0].id}?${q}`)).statusCode).toBe(403);
    // Signed with our key, but for an officer of another unit: not theirs to see.
    const links = { secret: resolveWebSecret(rt.config, rt.logger), baseUrl: "http://x", ttlMs: 60_000 };
    const theirs = new URL(evidenceLink(links, uploadId, strangerId, new Date()));
    expect((await get(theirs.pathname + theirs.search)).statusCode).toBe(404);
    // Signed for the right officer, but expired.
    const officerId = q.get("o")!;
    const old = new URL(evidenceLink(links, uploadId, officerId, new Date(Date.now() - 2 * 60_000)));
    expect((await get(old.pathname + old.search)).statusCode).toBe(410);
    const fresh = new URL(evidenceLink(links, uploadId, officerId, new Date()));
    expect((await get(fresh.pathname + fresh.search)).statusCode).toBe(200);
    expect((await get(`${url.pathname}?o=${officerId}`)).statusCode).toBe(400);
  });
});
