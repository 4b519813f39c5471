// CPU time used so far by the parts of a bench run, in seconds: figures per unit of work that move far
// less with other load on the machine than rates do. Linux (/proc) only, as the benches' machine is.
import { readFile } from "node:fs/promises";
import type { Redis } from "../../server/redis.ts";

/** user + system seconds of one process. */
export async function processCpu(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** The server processes of this database's connections (a backend that ended no longer counts). */
export async function postgresCpu(pool: { query: (text: string) => Promise<{ rows: { pid: number }[] }> }): Promise<number> {
  const { rows } = await pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  let seconds = 0;
  for (const { pid } of rows) seconds += await processCpu(pid);
  return seconds;
}

/** The whole Redis server's (INFO cpu). */
export async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return read("used_cpu_user") + read("used_cpu_sys");
}

/** This process. */
export function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
