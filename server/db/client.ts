// Database clients: one pg pool, shared by Prisma (through @prisma/adapter-pg) and by the few hot
// paths that speak SQL directly.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export type { PrismaClient };

export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  max: number;
  /** How long a caller waits for a free connection before failing (pg waits forever by default). */
  connectionTimeoutMillis?: number;
}

export function createPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
    // Statements issued together go out together (db/statement.ts batch): the inbound path's several
    // statements per transaction take one round trip each batch, with every value a bound parameter.
    pipeline: true,
  });
  // A client losing its connection (database restart) must not crash the process: an idle one is
  // reported on the pool, a checked-out one on itself – its queries fail and the caller answers 503.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = createPool(options);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    pool,
    prisma,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
