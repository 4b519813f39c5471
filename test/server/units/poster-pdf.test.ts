// The unit's poster as PDF through the API: a valid one-page PDF, served as application/pdf, whose title
// carries the unit's name and whose QR codes link to the unit's Telegram, Zalo and web chat addresses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const CODE = `${uniquePrefix()}-PDF`;

beforeAll(async () => {
  rt = await adminRuntime({ TELEGRAM_BOT_USERNAME: "cdht_test_bot", ZALO_OA_ID: "1234567890" });
  await insertUnit(rt.db.pool, CODE, "commune");
  await rt.db.pool.query(`UPDATE units SET name = 'Xã Hòa Bình Thượng' WHERE code = $1`, [CODE]);
});
afterAll(async () => {
  await rt?.close();
});

/** A PDF string object by reference as a reader decodes it: literal string, UTF-16BE when it has the BOM. */
function stringObject(pdf: Buffer, ref: string): string {
  const text = pdf.toString("latin1");
  const m = new RegExp(`\\n${ref.replace(" R", "")} obj\\n\\((.*?)\\)\\nendobj`, "s").exec(text);
  if (!m) throw new Error(`no string object ${ref}`);
  const raw = Buffer.from(m[1]!.replace(/\\([()\\])/g, "$1"), "latin1");
  if (raw[0] !== 0xfe || raw[1] !== 0xff) return raw.toString("latin1");
  const swapped = Buffer.from(raw.subarray(2));
  swapped.swap16();
  return swapped.toString("utf16le");
}

describe("PDF poster", () => {
  it("is a one-page PDF named after the unit, with the Telegram, Zalo and web chat links", async () => {
    const res = await rt.app.inject({ method: "GET", url: `/api/v1/units/${CODE}/poster?format=pdf`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/pdf");
    expect(res.headers["content-disposition"]).toContain(`poster-${CODE}.pdf`);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.subarray(-6).toString("latin1")).toMatch(/%%EOF\s*$/);
    const text = pdf.toString("latin1");
    expect(text.match(/\/Type \/Page\b/g)?.length).toBe(1);
    expect(text).toMatch(/\/Count 1\b/);
    const title = /\/Title (\d+ 0 R)/.exec(text)?.[1];
    expect(title && stringObject(pdf, title)).toContain("Xã Hòa Bình Thượng");
    // The font that prints Vietnamese is embedded, not referred to.
    expect(text).toMatch(/\/FontFile2/);
    const uris = [...text.matchAll(/\/URI \(([^)]*)\)/g)].map((m) => m[1]);
    expect(new Set(uris)).toEqual(new Set([`https://t.me/cdht_test_bot?start=u_${CODE}`, "https://zalo.me/1234567890", `http://localhost:3000/chat?u=${CODE}`]));
  });

  it("refuses an unknown format with 400 and an unknown unit with 404", async () => {
    expect((await rt.app.inject({ method: "GET", url: `/api/v1/units/${CODE}/poster?format=doc`, headers: admin })).statusCode).toBe(400);
    expect((await rt.app.inject({ method: "GET", url: `/api/v1/units/NOPE-NOPE-X/poster?format=pdf`, headers: admin })).statusCode).toBe(404);
  });
});
