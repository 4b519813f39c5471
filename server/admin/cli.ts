// `npm run admin -- <area> <command> [--flag value …]`: administration from a shell.
//   unit add --code <CODE> --name <name> --kind <province|commune|ward|special_zone|village|residential_group|agency|school|enterprise>
//            [--parent <CODE>] [--area <text>] [--members <n>]
//   unit list
//   zalo set-tokens --access <token> --refresh <token> [--expires-in <seconds>]
//   campaign create|preview|plan|start|pause|resume|cancel|status … (server/campaigns/commands.ts)
//   officer invite|list|deactivate|uncovered (server/admin/officers.ts)
// Exit codes: 0 done, 1 refused (the message says why; nothing changed), 2 unknown command.
import { parseArgs } from "node:util";
import { CAMPAIGN_USAGE, campaignCommand } from "../campaigns/commands.ts";
import { SET_TOKENS_USAGE, parseSetTokensArgs, setZaloTokens } from "../channels/zalo/admin.ts";
import { createZaloTokens } from "../channels/zalo/wiring.ts";
import { loadConfig, type Config } from "../config.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { createRedis } from "../redis.ts";
import { OFFICER_COMMANDS, OFFICER_USAGE } from "./officers.ts";
import { addUnit, listUnits, UNIT_KINDS } from "./units.ts";

const USAGE = `usage:
  npm run admin -- unit add --code <CODE> --name <name> --kind <${UNIT_KINDS.join("|")}> [--parent <CODE>] [--area <text>] [--members <n>]
  npm run admin -- unit list
  npm run admin -- ${SET_TOKENS_USAGE.replace(/^usage: /, "")}
${CAMPAIGN_USAGE.map((line) => `  npm run admin -- ${line}`).join("\n")}
${OFFICER_USAGE.map((line) => `  npm run admin -- ${line}`).join("\n")}`;

type Command = (args: string[], config: Config, db: Database) => Promise<number>;

const unitAdd: Command = async (args, _config, db) => {
  const { values } = parseArgs({
    args,
    strict: false,
    options: Object.fromEntries(
      ["code", "name", "kind", "parent", "area", "members"].map((k) => [k, { type: "string" as const }]),
    ),
  });
  const result = await addUnit(db.pool, values as Record<string, string>);
  if (!result.ok) {
    console.error(`unit add: ${result.message}`);
    return 1;
  }
  console.log(`added unit ${result.value.code} (${result.value.id})`);
  return 0;
};

const unitList: Command = async (_args, _config, db) => {
  const units = await listUnits(db.pool);
  if (units.length === 0) console.log("no units yet: npm run admin -- unit add --code … --name … --kind …");
  for (const u of units) {
    console.log([u.code, u.kind, u.name, u.parentCode ? `parent=${u.parentCode}` : "", u.area ?? ""].filter(Boolean).join("\t"));
  }
  return 0;
};

const zaloSetTokens: Command = async (args, config, db) => {
  const parsed = parseSetTokensArgs(args);
  if (!parsed.ok) {
    for (const line of parsed.problems) console.error(`zalo set-tokens: ${line}`);
    return 1;
  }
  if (!config.zalo.appId || !config.zalo.tokenKey) {
    console.error("zalo set-tokens: set ZALO_APP_ID and ZALO_TOKEN_KEY (the same values the server uses) first");
    return 1;
  }
  const redis = createRedis(config.redisUrl);
  try {
    const { tokens } = createZaloTokens(config, db.pool, redis);
    console.log((await setZaloTokens(tokens, parsed.args)).summary);
    return 0;
  } finally {
    redis.disconnect();
  }
};

const COMMANDS: Record<string, Command> = {
  "unit add": unitAdd,
  "unit list": unitList,
  "zalo set-tokens": zaloSetTokens,
  ...Object.fromEntries(
    ["create", "preview", "plan", "start", "pause", "resume", "cancel", "status"].map((name): [string, Command] => [
      `campaign ${name}`,
      async (args, config, db) => (await campaignCommand(name, args, config, db)) ?? 2,
    ]),
  ),
  ...OFFICER_COMMANDS,
};

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  const run = COMMANDS[`${area} ${command}`];
  if (!run) {
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
    return await run(rest, loaded.config, db);
  } catch (error) {
    console.error(`${area} ${command}: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
