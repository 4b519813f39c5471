// A parametrised SQL statement, and the means to send several in one round trip with every value as a
// bound parameter (never inlined into the SQL text): the pool's connections run in pg's pipeline mode,
// so statements issued together go out at once, each as its own extended-protocol query, and PostgreSQL
// answers them in order. A statement that fails aborts the transaction it is in; the ones after it fail
// too, and the first error is the one reported.
// The statements of one batch leave in one socket write: pg writes each query on its own (corking the
// socket only around one query's messages), and on this kind of machine a system call costs more than a
// statement's work, so the batch holds the socket corked while it hands over all its queries.
// Each statement is also prepared once per connection under a name derived from its text, so PostgreSQL
// parses and plans it once, not on every event (the text fixes the name; a text never changes meaning).
import { createHash } from "node:crypto";
import type pg from "pg";

export interface Statement {
  text: string;
  values: unknown[];
}

export const sql = (text: string, ...values: unknown[]): Statement => ({ text, values });

/**
 * Sends the statements without waiting between them; returns one result per statement. One round trip
 * on a pipelined connection (createPool's); on any other connection the same results, one trip each.
 */
export async function batch(client: Pick<pg.PoolClient, "query">, statements: (Statement | string)[]): Promise<pg.QueryResult[]> {
  const socket = socketOf(client);
  socket?.cork();
  let sent: Promise<pg.QueryResult>[];
  try {
    sent = statements.map((s) =>
      typeof s === "string" ? client.query(s) : client.query({ name: statementName(s.text), text: s.text, values: s.values }),
    );
  } finally {
    socket?.uncork();
  }
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
}

/** One statement as a named prepared statement: parsed and planned once per connection, as in batch(). */
export function prepared<R extends pg.QueryResultRow = any>(db: Pick<pg.PoolClient, "query">, s: Statement): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: statementName(s.text), text: s.text, values: s.values });
}

/** batch() on a connection of the pool, taken for the batch's round trip only. */
export async function batchOn(pool: pg.Pool, statements: (Statement | string)[]): Promise<pg.QueryResult[]> {
  const client = await pool.connect();
  try {
    return await batch(client, statements);
  } finally {
    client.release();
  }
}

/** The client's socket where pg exposes it (`connection.stream`, a net.Socket), to cork around a batch. */
function socketOf(client: object): { cork(): void; uncork(): void } | undefined {
  const stream = (client as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } }).connection?.stream;
  return stream && typeof stream.cork === "function" && typeof stream.uncork === "function"
    ? (stream as { cork(): void; uncork(): void })
    : undefined;
}

const names = new Map<string, string>();
/** Texts named so far are kept up to this many; a text beyond it is still named, just not remembered. */
const NAMES_KEPT = 2_000;

/** The prepared statement's name for a text: the same on every connection and in every process. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `s_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (names.size < NAMES_KEPT) names.set(text, name);
  }
  return name;
}
