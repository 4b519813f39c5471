import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureFor, verifySignature } from "../../../server/channels/zalo/signature.ts";

const APP_ID = "1234567890123456789";
const OA_ID = "579745863508352884";
const SECRET = "oa-secret-key-for-tests";

const body = JSON.stringify({
  event_name: "user_send_text",
  app_id: APP_ID,
  sender: { id: "2468458835296117922" },
  recipient: { id: OA_ID },
  message: { text: "Xin chào", msg_id: "e2a6f0c1d2" },
  timestamp: "1717061839659",
  user_id_by_app: "552177279717587730",
});

/** What Zalo computes: sha256 over id + raw body + timestamp + secret, hex. */
const mac = (id: string, raw: string, ts: string, secret = SECRET) =>
  `mac=${createHash("sha256").update(id + raw + ts + secret, "utf8").digest("hex")}`;

describe("verifySignature", () => {
  it("accepts Zalo's signature over app_id + body + timestamp + secret", () => {
    expect(verifySignature(Buffer.from(body), mac(APP_ID, body, "1717061839659"), APP_ID, SECRET)).toBe(true);
  });

  it("accepts upper-case hex and matches signatureFor", () => {
    const header = mac(APP_ID, body, "1717061839659");
    expect(signatureFor(body, APP_ID, "1717061839659", SECRET)).toBe(header);
    expect(verifySignature(Buffer.from(body), `mac=${header.slice(4).toUpperCase()}`, APP_ID, SECRET)).toBe(true);
  });

  it("rejects a forged signature (wrong secret, wrong timestamp, garbage)", () => {
    expect(verifySignature(Buffer.from(body), mac(APP_ID, body, "1717061839659", "other"), APP_ID, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(body), mac(APP_ID, body, "1717061839600"), APP_ID, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(body), "mac=" + "0".repeat(64), APP_ID, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(body), "sha256=abc", APP_ID, SECRET)).toBe(false);
  });

  it("rejects a missing header", () => {
    expect(verifySignature(Buffer.from(body), undefined, APP_ID, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(body), "", APP_ID, SECRET)).toBe(false);
  });

  it("rejects a body altered by one byte", () => {
    const header = mac(APP_ID, body, "1717061839659");
    const altered = Buffer.from(body);
    const i = altered.indexOf("chào");
    altered[i] = altered[i]! ^ 0x01;
    expect(verifySignature(altered, header, APP_ID, SECRET)).toBe(false);
  });

  it("accepts the variant signed with the OA id (recipient.id or oa_id) instead of the app id", () => {
    expect(verifySignature(Buffer.from(body), mac(OA_ID, body, "1717061839659"), APP_ID, SECRET)).toBe(true);
    const follow = JSON.stringify({ event_name: "follow", app_id: APP_ID, oa_id: OA_ID, follower: { id: "1" }, timestamp: "1717061839000" });
    expect(verifySignature(Buffer.from(follow), mac(OA_ID, follow, "1717061839000"), APP_ID, SECRET)).toBe(true);
    // …but not with an arbitrary id
    expect(verifySignature(Buffer.from(follow), mac("999", follow, "1717061839000"), APP_ID, SECRET)).toBe(false);
  });

  it("rejects a body without a timestamp, and refuses to verify without configuration", () => {
    const noTs = JSON.stringify({ event_name: "follow", follower: { id: "1" } });
    expect(verifySignature(Buffer.from(noTs), mac(APP_ID, noTs, ""), APP_ID, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(body), mac("", body, "1717061839659", ""), "", "")).toBe(false);
  });

  it("finds the timestamp of a body that is not valid JSON, so a signed malformed body still verifies", () => {
    const broken = `{"event_name":"user_send_text","timestamp":"1717061839659",`;
    expect(verifySignature(Buffer.from(broken), mac(APP_ID, broken, "1717061839659"), APP_ID, SECRET)).toBe(true);
  });
});
