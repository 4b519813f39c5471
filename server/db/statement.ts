// A parametrised SQL statement, and the means to send several in one round trip: PostgreSQL's simple
// query protocol takes many statements at once but no parameters, so values are inlined as escaped
// literals (pg's own escaping; standard_conforming_strings is on since PostgreSQL 9.1).
import pg from "pg";

export interface Statement {
  text: string;
  values: unknown[];
}

export const sql = (text: string, ...values: unknown[]): Statement => ({ text, values });

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return pg.Client.prototype.escapeLiteral(value.toISOString());
  if (typeof value === "string") return pg.Client.prototype.escapeLiteral(value);
  throw new Error(`cannot inline a ${typeof value}`);
}

/** The statement with every $n replaced by its escaped value (our SQL has no $n inside literals). */
export function inline(statement: Statement): string {
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= statement.values.length) throw new Error(`no value for $${n}`);
    return literal(statement.values[i]);
  });
}

/** Sends the statements in one round trip; returns one result per statement. */
export async function batch(client: Pick<pg.PoolClient, "query">, statements: (Statement | string)[]): Promise<pg.QueryResult[]> {
  if (statements.length === 0) return [];
  const text = statements.map((s) => (typeof s === "string" ? s : inline(s))).join(";\n");
  const result = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}
