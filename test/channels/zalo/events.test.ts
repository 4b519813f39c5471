import { describe, expect, it } from "vitest";
import { parseWebhookJson, parseZaloEvent, quoteBigIntegers } from "../../../server/channels/zalo/events.ts";
import { BUTTON_PAYLOAD_PREFIX } from "../../../server/channels/zalo/render.ts";

const USER = "2468458835296117922"; // > 2^53
const OA = "579745863508352884";
const NOW = new Date("2026-11-23T03:00:00Z");
const base = { app_id: "1234567890", recipient: { id: OA }, timestamp: "1717061839659", user_id_by_app: "552177279717587730" };

const text = (t: string, msgId = "e2a6f0c1d2") =>
  parseZaloEvent({ ...base, event_name: "user_send_text", sender: { id: USER }, message: { text: t, msg_id: msgId } }, NOW);

describe("parseZaloEvent", () => {
  it("user_send_text → text, with the msg_id as event id and as the message replies name, and the event's time", () => {
    expect(text("Xin chào")).toEqual({
      eventId: "e2a6f0c1d2",
      userId: USER,
      at: new Date(1717061839659),
      event: { type: "text", text: "Xin chào" },
      replyTo: "e2a6f0c1d2",
    });
  });

  it("a text with our button payload prefix → button", () => {
    expect(text(`${BUTTON_PAYLOAD_PREFIX}1a.a.2`)).toMatchObject({ event: { type: "button", data: "1a.a.2" } });
  });

  it("typed commands stay text: the engine's one parser reads them for every channel", () => {
    expect(text("/START u_XA01")).toMatchObject({ event: { type: "text", text: "/START u_XA01" } });
    expect(text("TRỢ GIÚP")).toMatchObject({ event: { type: "text", text: "TRỢ GIÚP" } });
    expect(text("/foo")).toMatchObject({ event: { type: "text", text: "/foo" } });
  });

  it("follow → start for follower.id; unfollow → unfollow; both without msg_id get a composed id", () => {
    const follow = parseZaloEvent({ event_name: "follow", app_id: "1", oa_id: OA, follower: { id: USER }, source: "oa_profile", timestamp: "1717061839000" }, NOW);
    // No citizen message to reply to: no replyTo.
    expect(follow).toEqual({ eventId: `follow:1717061839000:${USER}`, userId: USER, at: new Date(1717061839000), event: { type: "command", name: "start" } });
    const unfollow = parseZaloEvent({ event_name: "unfollow", app_id: "1", oa_id: OA, follower: { id: USER }, timestamp: "1717061840000" }, NOW);
    expect(unfollow).toMatchObject({ eventId: `unfollow:1717061840000:${USER}`, userId: USER, event: { type: "unfollow" } });
  });

  it("user_click_chatnow → start (user_id at the top level)", () => {
    const r = parseZaloEvent({ event_name: "user_click_chatnow", app_id: "1", oa_id: OA, user_id: USER, timestamp: "1717061839001" }, NOW);
    expect(r).toMatchObject({ userId: USER, eventId: `user_click_chatnow:1717061839001:${USER}`, event: { type: "command", name: "start" } });
  });

  it("user_send_image → image attachment with its url", () => {
    const r = parseZaloEvent(
      { ...base, event_name: "user_send_image", sender: { id: USER }, message: { msg_id: "img1", text: "", attachments: [{ type: "image", payload: { thumbnail: "https://t/x.jpg", url: "https://f/x.jpg" } }] } },
      NOW,
    );
    expect(r).toMatchObject({ eventId: "img1", event: { type: "attachment", kind: "image", ref: "https://f/x.jpg" } });
  });

  it("user_send_file → file attachment with url and name", () => {
    const r = parseZaloEvent(
      { ...base, event_name: "user_send_file", sender: { id: USER }, message: { msg_id: "f1", attachments: [{ type: "file", payload: { url: "https://f/b.pdf", name: "bang-khen.pdf", size: "2048", checksum: "x", type: "pdf" } }] } },
      NOW,
    );
    expect(r).toMatchObject({ event: { type: "attachment", kind: "file", ref: "https://f/b.pdf", name: "bang-khen.pdf" } });
  });

  it("user_submit_info → contact with name and phone", () => {
    const r = parseZaloEvent(
      { ...base, event_name: "user_submit_info", sender: { id: USER }, info: { name: "Nguyễn Văn A", phone: "0912345678", address: "", city: "", district: "", ward: "" } },
      NOW,
    );
    expect(r).toMatchObject({ userId: USER, eventId: `user_submit_info:1717061839659:${USER}`, event: { type: "contact", name: "Nguyễn Văn A", phone: "0912345678" } });
  });

  it("unknown events (and our own oa_send_* echoes) are ignored with their name", () => {
    expect(parseZaloEvent({ ...base, event_name: "user_seen_message", sender: { id: USER } }, NOW)).toEqual({ ignored: "user_seen_message" });
    expect(parseZaloEvent({ ...base, event_name: "oa_send_text", sender: { id: OA }, recipient: { id: USER }, message: { text: "x", msg_id: "m" } }, NOW)).toEqual({ ignored: "oa_send_text" });
    // a user's own unhandled action keeps the user and time (it still counts as an interaction)
    expect(parseZaloEvent({ ...base, event_name: "user_send_sticker", sender: { id: USER }, message: { msg_id: "s" } }, NOW)).toEqual({
      ignored: "user_send_sticker",
      userId: USER,
      at: new Date(1717061839659),
    });
    expect(parseZaloEvent({ nothing: true }, NOW)).toMatchObject({ ignored: expect.stringContaining("malformed") });
  });

  it("falls back to the receiving time when the timestamp is missing", () => {
    const r = parseZaloEvent({ event_name: "user_send_text", sender: { id: USER }, message: { text: "a", msg_id: "x" } }, NOW);
    expect(r).toMatchObject({ at: NOW });
  });
});

describe("big ids stay exact strings", () => {
  it("quoted ids are kept as they are", () => {
    const raw = `{"event_name":"user_send_text","sender":{"id":"${USER}"},"message":{"text":"hi","msg_id":"abc"},"timestamp":"1717061839659"}`;
    const json = parseWebhookJson(Buffer.from(raw));
    expect(json.ok && parseZaloEvent(json.value, NOW)).toMatchObject({ userId: USER });
  });

  it("an unquoted id longer than 15 digits is quoted before JSON.parse can round it", () => {
    const raw = `{"event_name":"follow","follower":{"id":${USER}},"timestamp":1717061839000}`;
    expect(Number(USER).toString()).not.toBe(USER); // JSON.parse alone would lose it
    const json = parseWebhookJson(raw);
    expect(json.ok && parseZaloEvent(json.value, NOW)).toMatchObject({ userId: USER, at: new Date(1717061839000) });
  });

  it("digits inside strings and ordinary numbers are left alone", () => {
    const raw = `{"a":"id 12345678901234567890, ok","b":[1,2.5,-3e5],"c":"\\"12345678901234567890\\"","d":12345678901234567890}`;
    expect(quoteBigIntegers(raw)).toBe(`{"a":"id 12345678901234567890, ok","b":[1,2.5,-3e5],"c":"\\"12345678901234567890\\"","d":"12345678901234567890"}`);
    expect(parseWebhookJson("{not json")).toMatchObject({ ok: false });
  });
});
