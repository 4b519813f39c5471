// /report on Zalo: the chart is uploaded to the OA (POST /v2.0/oa/upload/image) and sent as a media
// message with the figures as its text, as the fake OA API records it; an expired access token on the
// upload is refreshed once, like a send.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../../server/logger.ts";
import { createInvitation } from "../../../../server/officers/invitations.ts";
import { createRuntime, type Runtime } from "../../../../server/runtime.ts";
import { testConfig } from "../../../support/env.ts";
import { startFakeZalo, type FakeZalo } from "../../../support/fake-zalo.ts";
import { ZaloCitizen, ZALO_APP_ID, ZALO_OA_SECRET } from "../../../support/zalo-citizen.ts";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let fake: FakeZalo;
let rt: Runtime;
const code = `ZR${randomBytes(3).toString("hex").toUpperCase()}`;

beforeAll(async () => {
  fake = await startFakeZalo({ appId: ZALO_APP_ID, appSecretKey: "app-secret-for-tests" });
  const config = testConfig({
    REDIS_PREFIX: `${testConfig().redisPrefix}_zr${randomBytes(3).toString("hex")}`,
    ZALO_APP_ID,
    ZALO_OA_SECRET_KEY: ZALO_OA_SECRET,
    ZALO_APP_SECRET_KEY: "app-secret-for-tests",
    ZALO_OA_API_BASE: fake.url,
    ZALO_OAUTH_BASE: fake.url,
    ZALO_TOKEN_KEY: randomBytes(32).toString("hex"),
  });
  rt = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500 });
  const pair = fake.issuePair();
  await rt.zalo!.tokens.setTokens(pair.accessToken, pair.refreshToken, 90_000);
  await rt.db.pool.query(`INSERT INTO units (code, name, kind, member_count) VALUES ($1, 'Phường Zalo', 'ward', 50)`, [code]);
  await rt.units.refresh();
});
afterAll(async () => {
  await rt?.close();
  await fake?.close();
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
