// /report in chat: an officer gets the chart of their units against target as a picture with one line
// of figures – on Telegram a sendPhoto upload with the figures as caption (checked at the fake Bot API),
// on the web chat an image message whose picture only that conversation can load; anyone else gets a
// clear message and no picture.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { inviteOfficer, reviewRuntime, webOfficerOf, WebUser } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";

let fake: FakeTelegram;
let rt: Runtime;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let commune = "";
const YEAR = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(new Date()));

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await reviewRuntime(fake);
  commune = `RP${Date.now().toString(36).toUpperCase()}`;
  const { rows } = await rt.db.pool.query(`INSERT INTO units (code, name, kind, member_count) VALUES ($1, 'Xã Báo Cáo', 'commune', 200) RETURNING id`, [commune]);
  const id = rows[0].id;
  await rt.db.pool.query(`INSERT INTO units (code, name, kind, parent_id, member_count) VALUES ($1, 'Thôn Một', 'village', $2, 120), ($3, 'Thôn Hai', 'village', $2, 80)`, [`${commune}-1`, id, `${commune}-2`]);
  await rt.db.pool.query(
    `INSERT INTO assessments (unit_id, target_group, set_id, set_version, year, status, submitted_at)
     SELECT (SELECT id FROM units WHERE code = $1), 'resident', 'cdht-resident', '1', $2, s, now() FROM unnest(ARRAY['confirmed','confirmed','confirmed','submitted']::assessment_status[]) s`,
    [`${commune}-1`, YEAR],
  );
  await rt.db.pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent) VALUES ($1, $2, 'resident', 40)`, [id, YEAR]);
  await rt.units.refresh();
});
afterAll(async () => {
  await rt?.close();
  await fake?.stop();
});

describe("/report in chat", () => {
  it("sends a Telegram officer the chart as an uploaded photo with the figures as caption", async () => {
    const inv = await inviteOfficer(rt, commune);
    const o = new TelegramCitizen(() => rt, fake);
    await o.say(`/start o_${inv.token}`);
    await o.tap("c.y");
    await o.say("/queue"); // the first message after consent accepts the invitation
    const reply = await o.say("/report");
    const photo = reply.find((c) => c.method === "sendPhoto");
    expect(photo, JSON.stringify(reply.map((c) => c.method))).toBeDefined();
    const file = photo!.body.photo as { filename: string; bytes: Buffer };
    expect(file.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(file.bytes.length).toBeGreaterThan(5_000);
    expect(photo!.body.caption).toContain(`Báo cáo năm ${YEAR}`);
    expect(photo!.body.caption).toContain("Xã Báo Cáo: 200 thành viên · đã gửi 4 · đã xác nhận 3 (1,5%; chỉ tiêu 40%)");
    expect(photo!.body.parse_mode).toBe("HTML");

    // The Vietnamese word works too.
    const typed = await o.say("báo cáo");
    expect(typed.some((c) => c.method === "sendPhoto")).toBe(true);
  });

  it("shows a web officer an image message whose picture only their conversation may load", async () => {
    const officer = await webOfficerOf(rt, commune);
    const [message] = (await officer.say("BÁO CÁO")).filter((m) => (m as { image?: string }).image);
    const url = (message as { image?: string }).image!;
    expect(url).toMatch(/^\/chat\/api\/images\/\d+$/);
    expect(message!.text).toContain("đã xác nhận 3");
    const own = await officer.web.get(url);
    expect(own.statusCode).toBe(200);
    expect(own.headers["content-type"]).toBe("image/png");
    expect(own.rawPayload.subarray(0, 8)).toEqual(PNG_MAGIC);

    const stranger = new WebUser(() => rt);
    await stranger.open();
    expect((await stranger.web.get(url)).statusCode).toBe(404);
    expect((await stranger.web.get("/chat/api/images/abc")).statusCode).toBe(404);
  });

  it("tells anyone else whom reports are for, with no picture", async () => {
    const citizen = new WebUser(() => rt);
    await citizen.open();
    await citizen.start();
    await citizen.tap("c.y");
    const reply = await citizen.say("/report");
    expect(citizen.texts(reply)).toContain("Báo cáo dành cho cán bộ phụ trách đơn vị");
    expect(reply.some((m) => (m as { image?: string }).image)).toBe(false);
  });
});
