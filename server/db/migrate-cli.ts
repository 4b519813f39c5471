// `npm run db:migrate`: applies pending migrations to DATABASE_URL, creating the database if missing.
import { loadConfig } from "../config.ts";
import { createPool } from "./client.ts";
import { ensureDatabase } from "./ensure-database.ts";
import { migrate, readMigrations } from "./migrate.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  for (const line of loaded.problems) console.error(`config: ${line}`);
  process.exit(1);
}
const { databaseUrl } = loaded.config;
await ensureDatabase(databaseUrl);
const pool = createPool({ url: databaseUrl, max: 1 });
try {
  const applied = await migrate(pool, await readMigrations());
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} catch (error) {
  console.error(`db:migrate: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
