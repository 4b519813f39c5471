// A parametrised SQL statement, and the means to send several in one round trip with every value as a
// bound parameter (never inlined into the SQL text): the pool's connections run in pg's pipeline mode,
// so statements issued together go out at once, each as its own extended-protocol query, and PostgreSQL
// answers them in order. A statement that fails aborts the transaction it is in; the ones after it fail
// too, and the first error is the one reported.
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
  const sent = statements.map((s) => (typeof s === "string" ? client.query(s) : client.query(s.text, s.values)));
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
}
