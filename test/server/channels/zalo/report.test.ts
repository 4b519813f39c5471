// /report on Zalo: the chart is uploaded to the OA (POST /v2.0/oa/upload/image) and sent as a media
// message with the figures as its text, as the fake OA API records it; an expired access token on the
// upload is refreshed once, like a send.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation } from "../../../../server/officers/invitations.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import type { FakeZalo } from "../../../support/fake-zalo.ts";
import { platformsRuntime, type Platforms } from "../../../support/platforms-runtime.ts";
import { ZaloCitizen } from "../../../support/zalo-citizen.ts";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let fake: FakeZalo;
let rt: Runtime;
const code = `ZR${randomBytes(3).toString("hex").toUpperCase()}`;

let platforms: Platforms;

beforeAll(async () => {
  platforms = await platformsRuntime();
  ({ zalo: fake, rt } = platforms);
  await rt.db.pool.query(`INSERT INTO units (code, name, kind, member_count) VALUES ($1, 'Phường Zalo', 'ward', 50)`, [code]);
  await rt.units.refresh();
});
afterAll(async () => {
  await platforms?.close();
});

describe("/report on Zalo", () => {
  it("uploads the chart and sends it as a media message with the figures", async () => {
    const inv = await createInvitation(rt.db.pool, { unitCode: code, role: "officer", expiresInMs: 86_400_000, createdBy: "test", now: new Date() });
    if (!inv.ok) throw new Error(inv.message);
    const z = new ZaloCitizen(() => rt, fake);
    await z.say(inv.value.code);
    await z.tap("c.y");
    await z.say("/queue"); // the first message after consent accepts the invitation

    // The access token expired meanwhile: the upload is refused once, refreshed, and tried again.
    fake.validAccessTokens.clear();
    const refreshes = fake.refreshCount;
    const reply = await z.say("BÁO CÁO");
    const media = reply.map((c) => (c.json as any).message).find((m) => m?.attachment?.payload?.template_type === "media");
    expect(media, JSON.stringify(reply.map((c) => c.json))).toBeDefined();
    const [element] = media.attachment.payload.elements;
    expect(element.media_type).toBe("image");
    const uploaded = fake.uploads.get(element.attachment_id);
    expect(uploaded!.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(media.text).toContain("Phường Zalo: 50 thành viên · đã gửi 0 · đã xác nhận 0");
    expect(fake.refreshCount).toBe(refreshes + 1);
    const { rows } = await rt.db.pool.query(`SELECT status FROM outbox WHERE channel = 'zalo' AND recipient = $1 ORDER BY id DESC LIMIT 1`, [z.userId]);
    expect(rows).toEqual([{ status: "sent" }]);
  });
});
