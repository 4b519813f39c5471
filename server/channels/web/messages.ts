// The browser's inbox: outbox rows of channel "web" that the delivery worker has marked delivered, read
// in id order (the worker delivers one citizen's rows strictly in that order). "uncertain" rows (a worker
// died around the no-op send) are shown too: for the web nothing was lost, and skipping one would leave
// a gap in the conversation. A waiting page is woken by the worker's "delivered" announcement
// (push.ts), not by re-reading the table.
import type pg from "pg";
import type { Button, ReviewSummary } from "../../../bot/types.ts";
import type { OutboxPayload } from "../../outbox/types.ts";
import type { WebPush } from "./push.ts";

export const PAGE_SIZE = 50;

export interface WebMessage {
  id: string;
  title?: string;
  text: string;
  buttons?: Button[][];
  /** The id of the shown message this one replaces in place (a multi-choice tick). */
  replaces?: string;
  /** The review as one scrollable summary: the page shows it instead of the paged text and buttons. */
  summary?: ReviewSummary;
  /** A picture (a chart) shown with the text: its URL, served to this account only. */
  image?: string;
}

function toMessage(id: string, payload: OutboxPayload): WebMessage | null {
  if (payload.kind !== "message") return null;
  const { title, text, buttons, replaces, summary, image } = payload.message;
  const rows = buttons?.filter((row) => row.length > 0);
  return {
    id,
    ...(title ? { title } : {}),
    text,
    ...(rows?.length ? { buttons: rows } : {}),
    ...(replaces ? { replaces } : {}),
    ...(summary ? { summary: { ...summary, groups: summary.groups.map((g) => ({ ...g, items: g.items.map((i) => ({ ...i, evidence: webUploadIds(i.evidence) })) })) } } : {}),
    ...(image ? { image: `/chat/api/images/${id}` } : {}),
  };
}

/** The web chat's own photos among evidence refs ("web-upload:<id>" → id): the page shows them. */
function webUploadIds(refs: string[]): string[] {
  return refs.flatMap((ref) => (ref.startsWith("web-upload:") ? [ref.slice("web-upload:".length)] : []));
}

/** The picture of a message delivered to the account (PNG bytes), or undefined. */
export async function readImage(pool: pg.Pool, account: string, id: string): Promise<Buffer | undefined> {
  if (!/^[0-9]{1,19}$/.test(id)) return undefined;
  const { rows } = await pool.query<{ png: string | null }>(
    `SELECT payload->'message'->'image'->>'png' AS png FROM outbox
      WHERE id = $2::bigint AND channel = 'web' AND recipient = $1 AND status IN ('sent', 'uncertain')`,
    [account, id],
  );
  return rows[0]?.png ? Buffer.from(rows[0].png, "base64") : undefined;
}

/**
 * after = "0": the latest PAGE_SIZE messages (a reload shows where the conversation is);
 * otherwise the next PAGE_SIZE messages after that id.
 */
export async function readMessages(pool: pg.Pool, account: string, after: string): Promise<{ messages: WebMessage[]; last: string }> {
  // Ordered by the bigint id (never by its text form: "10" < "9").
  const delivered = `channel = 'web' AND recipient = $1 AND status IN ('sent', 'uncertain')`;
  const { rows } = await pool.query<{ id: string; payload: OutboxPayload }>(
    after === "0"
      ? `SELECT t.id::text AS id, t.payload FROM (SELECT id, payload FROM outbox WHERE ${delivered} ORDER BY id DESC LIMIT ${PAGE_SIZE}) t
          ORDER BY t.id`
      : `SELECT o.id::text AS id, o.payload FROM outbox o WHERE ${delivered} AND o.id > $2::bigint ORDER BY o.id LIMIT ${PAGE_SIZE}`,
    after === "0" ? [account] : [account, after],
  );
  const messages = rows.map((r) => toMessage(r.id, r.payload)).filter((m): m is WebMessage => m !== null);
  return { messages, last: rows.at(-1)?.id ?? after };
}

/** The highest id delivered to the account ("0" when none). */
export async function lastDeliveredId(pool: pg.Pool, account: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT COALESCE(max(id), 0)::text AS id FROM outbox WHERE channel = 'web' AND recipient = $1 AND status IN ('sent', 'uncertain')`,
    [account],
  );
  return rows[0]!.id;
}

/** How long an answer waits for the rest of a reply whose first rows were delivered. */
const BURST_MS = 1_000;

export interface WaitOptions {
  timeoutMs: number;
  /** Aborted when the browser goes away or the server stops. */
  signal: AbortSignal;
}

/**
 * What follows `after` for the account: rows already delivered (ready to read, even when their
 * announcement has not arrived yet), or rows still to be delivered now (the rest of a reply being
 * delivered), or nothing.
 */
async function whatFollows(pool: pg.Pool, account: string, after: string): Promise<"ready" | "pending" | "none"> {
  const { rows } = await pool.query<{ ready: boolean; pending: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM outbox WHERE channel = 'web' AND recipient = $1 AND status IN ('sent', 'uncertain')
                       AND id > $2::bigint) AS ready,
            EXISTS (SELECT 1 FROM outbox WHERE channel = 'web' AND recipient = $1 AND status IN ('pending', 'sending')
                       AND next_attempt_at <= now()) AS pending`,
    [account, after],
  );
  return rows[0]!.ready ? "ready" : rows[0]!.pending ? "pending" : "none";
}

/**
 * Long polling without polling the database: listen for deliveries to the account (Redis pub/sub),
 * then compare the last delivered id Redis remembers with `after`; the outbox is read only when there
 * is something newer – at once, or when a delivery is announced. Otherwise the answer after timeoutMs
 * is an empty page, and a page that waits costs no query. When the rows read are the first of a reply
 * whose rest is still being delivered, the answer waits (up to BURST_MS) for the rest, so the page
 * gets one reply in one response.
 */
export async function waitForMessages(pool: pg.Pool, push: WebPush, account: string, after: string, o: WaitOptions) {
  let seen = BigInt(after);
  let announced = 0n;
  let wake: (() => void) | undefined;
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  const stop = await push.listen(account, (rowId) => {
    const id = BigInt(rowId);
    if (id > announced) announced = id;
    if (id > seen) wake?.();
  });
  const wait = (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    return Promise.race([
      next().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
        onAbort = () => resolve(false);
        if (o.signal.aborted) onAbort();
        else o.signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]).finally(() => {
      clearTimeout(timer);
      if (onAbort) o.signal.removeEventListener("abort", onAbort);
      wake = undefined;
    });
  };
  try {
    let last = await push.lastDelivered(account);
    if (last === null) {
      last = await lastDeliveredId(pool, account);
      await push.remember(account, last);
    }
    if (BigInt(last) <= seen && announced <= seen && !(await wait(o.timeoutMs))) return { messages: [], last: after };
    const page = await readMessages(pool, account, after);
    const burstEnd = Date.now() + BURST_MS;
    while (page.messages.length < PAGE_SIZE && Date.now() < burstEnd) {
      seen = BigInt(page.last);
      // A row delivered between the read and now is read at once, announced or not.
      const follows = announced > seen ? "ready" : await whatFollows(pool, account, page.last);
      if (follows === "none") break;
      if (follows === "pending" && announced <= seen && !(await wait(burstEnd - Date.now()))) break;
      const more = await readMessages(pool, account, page.last);
      page.messages.push(...more.messages.slice(0, PAGE_SIZE - page.messages.length));
      page.last = page.messages.at(-1)?.id ?? more.last;
    }
    return page;
  } finally {
    stop();
  }
}
