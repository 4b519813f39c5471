// Demo units for a first run (`npm start`): inserted only when the units table is empty, so a newcomer
// can open the web chat at once. Never in production. Run as a script by scripts/start.mjs after the
// migrations; the codes are listed in the README.
import { fileURLToPath } from "node:url";
import type pg from "pg";

export const DEMO_UNITS = [
  { code: "DEMO-XA", name: "Xã Hòa Bình (đơn vị thử nghiệm)", kind: "commune" },
  { code: "DEMO-TRUONG", name: "Trường THPT Hòa Bình (đơn vị thử nghiệm)", kind: "school" },
  { code: "DEMO-CTY", name: "Công ty May Hòa Bình (đơn vị thử nghiệm)", kind: "enterprise" },
  { code: "DEMO-SO", name: "Sở Giáo dục và Đào tạo (đơn vị thử nghiệm)", kind: "agency" },
] as const;

/** The unit the printed chat address pre-selects. */
export const DEMO_CHAT_UNIT = "DEMO-XA";

/** Inserts the demo units when there is no unit at all; returns the codes inserted (none otherwise). */
export async function seedDemoUnits(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ code: string }>(
    `INSERT INTO units (code, name, kind)
     SELECT code, name, kind::unit_kind FROM unnest($1::text[], $2::text[], $3::text[]) AS d(code, name, kind)
      WHERE NOT EXISTS (SELECT 1 FROM units)
     ON CONFLICT (code) DO NOTHING
     RETURNING code`,
    [DEMO_UNITS.map((u) => u.code), DEMO_UNITS.map((u) => u.name), DEMO_UNITS.map((u) => u.kind)],
  );
  return rows.map((r) => r.code);
}

async function main(): Promise<void> {
  const { loadConfig } = await import("../config.ts");
  const { createPool } = await import("./client.ts");
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    for (const line of loaded.problems) console.error(`config: ${line}`);
    process.exit(1);
  }
  if (loaded.config.env === "production") {
    console.log("seed-demo: NODE_ENV is production; no demo units");
    return;
  }
  const pool = createPool({ url: loaded.config.databaseUrl, max: 1 });
  try {
    const added = await seedDemoUnits(pool);
    if (added.length > 0) console.log(`seed-demo: the database had no unit; added demo units ${added.join(", ")}`);
  } catch (error) {
    console.error(`seed-demo: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
