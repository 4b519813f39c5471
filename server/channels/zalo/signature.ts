// Zalo OA webhook signature: header `X-ZEvent-Signature: mac=<hex>` where
//   hex = sha256(app_id + raw request body + timestamp + OA secret key)
// (a plain SHA-256, not an HMAC), with `timestamp` the body's own timestamp field, exactly as written.
// Some integrations document oa_id in place of app_id: that variant is accepted as well when the body
// names the OA (top-level `oa_id`, or `recipient.id` of a user message, which is the OA's id).
// Comparison is constant-time. Only the raw bytes are hashed; the body is read only to find the
// timestamp and the OA id (with a lenient scan when it is not valid JSON, so that a malformed body
// with a valid signature can be told apart from a forged one).
import { createHash, timingSafeEqual } from "node:crypto";
import { quoteBigIntegers } from "./events.ts";

export const SIGNATURE_HEADER = "x-zevent-signature";

function sha256(parts: (string | Buffer)[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** The hex digest of a `mac=<hex>` header (case-insensitive hex), or null. */
function macOf(header: string | undefined): Buffer | null {
  const m = header === undefined ? null : /^\s*mac\s*=\s*([0-9a-fA-F]{64})\s*$/.exec(header);
  return m ? Buffer.from(m[1]!, "hex") : null;
}

interface SignedFields {
  timestamp?: string;
  oaIds: string[];
}

const scalar = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;

function fieldsOf(raw: Buffer): SignedFields {
  const text = raw.toString("utf8");
  try {
    const body = JSON.parse(quoteBigIntegers(text)) as Record<string, unknown>;
    if (body && typeof body === "object") {
      const oaIds = [scalar(body.oa_id), scalar((body.recipient as Record<string, unknown> | undefined)?.id)];
      return { timestamp: scalar(body.timestamp), oaIds: oaIds.filter((v): v is string => !!v) };
    }
  } catch {
    // not JSON: fall through to the lenient scan
  }
  const ts = /"timestamp"\s*:\s*"?(\d{1,20})"?/.exec(text)?.[1];
  const oa = /"oa_id"\s*:\s*"?(\d{1,32})"?/.exec(text)?.[1];
  return { timestamp: ts, oaIds: oa ? [oa] : [] };
}

/** Builds the header value Zalo would send (tests, fakes and tools). */
export function signatureFor(rawBody: Buffer | string, id: string, timestamp: string, secretKey: string): string {
  return `mac=${sha256([id, Buffer.from(rawBody), timestamp, secretKey]).toString("hex")}`;
}

export function verifySignature(rawBody: Buffer, header: string | undefined, appId: string, secretKey: string): boolean {
  const mac = macOf(header);
  if (!mac || !appId || !secretKey) return false;
  const { timestamp, oaIds } = fieldsOf(rawBody);
  if (timestamp === undefined) return false;
  let ok = false;
  // Every candidate is compared (no early exit) so timing does not reveal which one matched.
  for (const id of [appId, ...oaIds]) {
    const expected = sha256([id, rawBody, timestamp, secretKey]);
    if (timingSafeEqual(expected, mac)) ok = true;
  }
  return ok;
}
