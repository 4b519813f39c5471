// The browser's inbox: outbox rows of channel "web" that the delivery worker has marked delivered, read
// in id order (the worker delivers one citizen's rows strictly in that order). "uncertain" rows (a worker
// died around the no-op send) are shown too: for the web nothing was lost, and skipping one would leave
// a gap in the conversation.
import type pg from "pg";
import type { Button } from "../../../bot/types.ts";
import type { OutboxPayload } from "../../outbox/types.ts";

export const PAGE_SIZE = 50;

export interface WebMessage {
  id: string;
  title?: string;
  text: string;
  buttons?: Button[][];
}

function toMessage(id: string, payload: OutboxPayload): WebMessage | null {
  if (payload.kind !== "message") return null;
  const { title, text, buttons } = payload.message;
  const rows = buttons?.filter((row) => row.length > 0);
  return { id, ...(title ? { title } : {}), text, ...(rows?.length ? { buttons: rows } : {}) };
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

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Aborted when the browser goes away or the server stops. */
  signal: AbortSignal;
}

/** Whether the account has replies still on their way (pending or being sent). */
async function undelivered(pool: pg.Pool, account: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT EXISTS (SELECT 1 FROM outbox WHERE channel = 'web' AND recipient = $1 AND status IN ('pending', 'sending')
                       AND next_attempt_at <= now()) AS waiting`,
    [account],
  );
  return rows[0].waiting === true;
}

/** Settling: after something new, how many more intervals a poll waits for the rest of the replies. */
const SETTLE_ROUNDS = 4;

/**
 * Long polling: re-reads every intervalMs until there is something new, the time is up or the signal
 * fires. Once something new is there, it waits a few more intervals while the rest of the replies to
 * the same event are still being delivered, so that one answer's replies arrive together.
 */
export async function waitForMessages(pool: pg.Pool, account: string, after: string, o: WaitOptions) {
  const deadline = Date.now() + o.timeoutMs;
  let settle = SETTLE_ROUNDS;
  for (;;) {
    const page = await readMessages(pool, account, after);
    const found = page.messages.length > 0 || page.last !== after;
    if (o.signal.aborted || Date.now() + o.intervalMs > deadline) return page;
    if (found && (settle-- === 0 || page.messages.length >= PAGE_SIZE || !(await undelivered(pool, account)))) return page;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, o.intervalMs);
      function done() {
        clearTimeout(timer);
        o.signal.removeEventListener("abort", done);
        resolve();
      }
      o.signal.addEventListener("abort", done, { once: true });
    });
  }
}
