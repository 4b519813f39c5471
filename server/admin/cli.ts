// `npm run admin -- <area> <command> [--flag value …]`: administration from a shell.
//   unit add --code <CODE> --name <name> --kind <agency|enterprise|school|commune|village>
//            [--parent <CODE>] [--area <text>] [--members <n>] [--target <percent>]
//   unit list
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { createDatabase } from "../db/client.ts";
import { addUnit, listUnits } from "./units.ts";

const USAGE = `usage:
  npm run admin -- unit add --code <CODE> --name <name> --kind <agency|enterprise|school|commune|village> [--parent <CODE>] [--area <text>] [--members <n>] [--target <percent>]
  npm run admin -- unit list`;

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: false,
    options: {
      code: { type: "string" },
      name: { type: "string" },
      kind: { type: "string" },
      parent: { type: "string" },
      area: { type: "string" },
      members: { type: "string" },
      target: { type: "string" },
    },
  });
  const known = `${area} ${command}`;
  if (known !== "unit add" && known !== "unit list") {
    console.error(USAGE);
    return 2;
  }
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    for (const line of loaded.problems) console.error(`config: ${line}`);
    return 1;
  }
  const db = createDatabase({ url: loaded.config.databaseUrl, max: 1 });
  try {
    if (known === "unit list") {
      const units = await listUnits(db.prisma);
      if (units.length === 0) console.log("no units yet: npm run admin -- unit add --code … --name … --kind …");
      for (const u of units) {
        console.log([u.code, u.kind, u.name, u.parent ? `parent=${u.parent.code}` : "", u.area ?? ""].filter(Boolean).join("\t"));
      }
      return 0;
    }
    const result = await addUnit(db.prisma, values as Record<string, string>);
    if (!result.ok) {
      console.error(`unit add: ${result.message}`);
      return 1;
    }
    console.log(`added unit ${result.value.code} (${result.value.id})`);
    return 0;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
