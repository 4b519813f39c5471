// Officer review to and from Zalo. A decision reaching a Zalo citizen silent for more than 7 days: it goes as the ZBS template named by
// ZALO_DECISION_TEMPLATE (the fake OA API records the template endpoint), and is counted as a template
// in the message cost metrics. Real PostgreSQL and Redis; the officer decides on the web chat.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { webChannel } from "../../../server/channels/web/index.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { driveToVerdict, waitForDelivery } from "../../support/drive.ts";
import type { FakeZalo } from "../../support/fake-zalo.ts";
import { platformsRuntime, type Platforms } from "../../support/platforms-runtime.ts";
import { waitFor } from "../../support/processes.ts";
import { inviteOfficer, webOfficerOf, WebUser } from "../../support/review-chat.ts";
import { addUnit } from "../../support/telegram-runtime.ts";
import { FAST_WEB } from "../../support/web-runtime.ts";
import { ZaloCitizen } from "../../support/zalo-citizen.ts";

let fake: FakeZalo;
let rt: Runtime;
let resident: CriteriaSet;

let platforms: Platforms;

beforeAll(async () => {
  const web = webChannel({ ...FAST_WEB, limits: { sessionEvents: { max: 1000, windowMs: 60_000 } } });
  platforms = await platformsRuntime({ ZALO_DECISION_TEMPLATE: "transaction_event" }, { senders: [web.sender], extraRoutes: web.routes });
  ({ zalo: fake, rt } = platforms);
  resident = (await loadShippedSets()).find((s) => s.targetGroup === "resident")!;
});
afterAll(async () => {
  await platforms?.close();
});

const texts = (calls: { json?: unknown }[]) => calls.map((c) => JSON.stringify((c.json as any).message)).join("\n");

async function billed(kind: string): Promise<{ n: number; cost: number }> {
  const all = await rt.metrics.registry.getMetricsAsJSON();
  const value = (name: string) =>
    all.find((m) => m.name === name)?.values.find((v) => v.labels.channel === "zalo" && v.labels.kind === kind)?.value ?? 0;
  return { n: Number(value("cdht_messages_billed_total")), cost: Number(value("cdht_messages_cost_dong_total")) };
}

describe("a decision to a Zalo citizen outside the 7-day window", () => {
  it("goes as the decision template and is counted as a template in cost", async () => {
    const unit = await addUnit(rt.db.pool, "Xã Im Lặng");
    await rt.units.refresh();
    const officer = await webOfficerOf(rt, unit.code);
    const z = new ZaloCitizen(() => rt, fake);
    await driveToVerdict(z, resident, unit.code, "best");
    await officer.replies();
    await waitForDelivery(rt.db.pool, "zalo", z.userId);
    const before = { templates: fake.templates().length, billed: await billed("template") };
    expect(before.billed.n).toBe(0);
    // The citizen has been silent for 20 days since.
    await rt.db.pool.query(`UPDATE channel_accounts SET last_interaction_at = now() - interval '20 days' WHERE channel = 'zalo' AND external_id = $1`, [z.userId]);

    await officer.tapLabel("Xác nhận");
    const call = await waitFor(async () => fake.templates().slice(before.templates).find((c) => (c.json as any).recipient?.user_id === z.userId), 20_000, "the template call");
    const payload = (call.json as any).message.attachment.payload;
    expect(payload.template_type).toBe("transaction_event");
    expect(payload.elements[0].content).toBe("Xin chúc mừng!");
    expect(JSON.stringify(payload.elements)).toContain("đã được cán bộ phụ trách xác nhận");
    await waitForDelivery(rt.db.pool, "zalo", z.userId);
    const { rows } = await rt.db.pool.query(`SELECT status, lane FROM outbox WHERE channel = 'zalo' AND recipient = $1 ORDER BY id DESC LIMIT 1`, [z.userId]);
    expect(rows[0]).toEqual({ status: "sent", lane: "notice" });
    expect(await billed("template")).toEqual({ n: 1, cost: rt.config.campaigns.zalo.templatePrice });
  });
});

describe("a withdrawal where the platform cannot edit", () => {
  it("a Zalo officer gets a short notice that the assessment was withdrawn (the web officer's card is replaced)", async () => {
    const unit = await addUnit(rt.db.pool, "Xã Không Sửa Được");
    await rt.units.refresh();
    const inv = await inviteOfficer(rt, unit.code);
    const zo = new ZaloCitizen(() => rt, fake);
    await zo.say(inv.code);
    await zo.tap("c.y");
    expect(texts(await zo.say("HÀNG CHỜ"))).toContain("Anh/chị đã là cán bộ phụ trách");
    const c = new WebUser(() => rt);
    await c.open();
    await driveToVerdict(c, resident, unit.code, "best");
    await waitForDelivery(rt.db.pool, "zalo", zo.userId);
    expect(texts(await zo.replies())).toContain("Bài tự đánh giá mới cần xác nhận");

    await c.say("/restart");
    await c.tap("x.y");
    await waitFor(async () => (await rt.db.pool.query(`SELECT 1 FROM outbox WHERE channel = 'zalo' AND recipient = $1 AND lane = 'notice' AND payload::text LIKE '%rút lại%'`, [zo.userId])).rowCount || undefined, 10_000, "the notice row");
    await waitForDelivery(rt.db.pool, "zalo", zo.userId);
    const told = texts(await zo.replies());
    expect(told).toContain("đã rút lại bài tự đánh giá năm");
    expect(told.length).toBeLessThan(300);
  });
});
