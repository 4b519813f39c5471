// `npm run admin -- campaign …`: create (from the learning-week preset or a JSON definition), preview,
// plan, start, pause, resume, cancel, status. Commands that take a campaign id use the latest campaign
// when none is given. Returns the exit code: 0 done, 1 refused (the message says why; nothing changed).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createTranslateSync } from "../../bot/i18n.ts";
import type { Lang } from "../../bot/types.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { CHANNELS, validateDefinition } from "./definition.ts";
import { formatPlan, planCampaign } from "./plan.ts";
import { learningWeek, PRESETS } from "./preset.ts";
import { previewCampaign } from "./preview.ts";
import { campaignStats, formatStats } from "./stats.ts";
import { createCampaign, findCampaign, transition, type CampaignRecord, type Transition } from "./store.ts";

export const CAMPAIGN_USAGE = [
  `campaign create --preset learning-week --year <yyyy> --from <yyyy-mm-dd> --to <yyyy-mm-dd> --theme <text> [--name <text>] [--units <CODE,…>] [--groups <worker,…>] [--channels <telegram,zalo,web>] [--window 08:00-20:00] [--zalo-budget <đồng>] [--signature <text>]`,
  `campaign create --file <definition.json>`,
  `campaign preview [id] [--round <n>] [--lang vi|en] [--channel telegram|zalo|web]`,
  `campaign plan|start|pause|resume|cancel|status [id]   (default: the latest campaign)`,
];

type Out = { log: (line: string) => void; error: (line: string) => void };

const list = (v: unknown) => (typeof v === "string" && v.trim() ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined);

async function create(args: string[], config: Config, db: Database, out: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: false,
    options: Object.fromEntries(
      ["preset", "file", "year", "from", "to", "theme", "name", "units", "groups", "channels", "window", "zalo-budget", "signature"].map((k) => [k, { type: "string" as const }]),
    ),
  });
  const v = values as Record<string, string | undefined>;
  let input: unknown;
  if (v.file) {
    try {
      input = JSON.parse(await readFile(v.file, "utf8"));
    } catch (error) {
      out.error(`campaign create: cannot read ${v.file}: ${(error as Error).message}`);
      return 1;
    }
  } else if (v.preset === "learning-week") {
    const problems: string[] = [];
    const year = Number(v.year);
    if (!v.year || !Number.isInteger(year)) problems.push("--year: a year such as 2027");
    if (!v.from) problems.push("--from: the first day, yyyy-mm-dd");
    if (!v.to) problems.push("--to: the last day, yyyy-mm-dd");
    const window = v.window?.match(/^(\d\d:\d\d)-(\d\d:\d\d)$/);
    if (v.window && !window) problems.push("--window: HH:MM-HH:MM, e.g. 08:00-20:00");
    const budget = v["zalo-budget"] === undefined ? undefined : Number(v["zalo-budget"]);
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 0)) problems.push("--zalo-budget: a whole number of đồng");
    if (problems.length) {
      for (const p of problems) out.error(`campaign create: ${p}`);
      return 1;
    }
    input = learningWeek(createTranslateSync(), {
      year,
      from: v.from!,
      to: v.to!,
      theme: v.theme,
      name: v.name,
      signature: v.signature,
      units: list(v.units),
      groups: list(v.groups) as never,
      channels: list(v.channels) as never,
      ...(window ? { window: { start: window[1]!, end: window[2]! } } : {}),
      zaloBudget: budget,
    });
  } else {
    out.error(`campaign create: --preset ${PRESETS.join("|")} or --file <definition.json>`);
    return 1;
  }
  const valid = validateDefinition(input);
  if (!valid.ok) {
    out.error(`campaign create: ${valid.message}`);
    return 1;
  }
  const created = await createCampaign(db.pool, valid.value);
  if (!created.ok) {
    out.error(`campaign create: ${created.message}`);
    return 1;
  }
  const c = created.value;
  out.log(`created campaign ${c.id} "${c.name}" (draft, ${c.rounds.length} rounds, ${c.from} → ${c.to})`);
  out.log(`next: npm run admin -- campaign preview; campaign plan; campaign start`);
  void config;
  return 0;
}

async function target(args: string[], db: Database, out: Out, command: string): Promise<{ c: CampaignRecord; rest: string[] } | null> {
  const [first, ...rest] = args;
  const id = first && !first.startsWith("--") ? first : undefined;
  const found = await findCampaign(db.pool, id);
  if (!found.ok) {
    out.error(`campaign ${command}: ${found.message}`);
    return null;
  }
  return { c: found.value, rest: id ? rest : args };
}

export async function campaignCommand(command: string, args: string[], config: Config, db: Database, out: Out = console): Promise<number | null> {
  if (command === "create") return create(args, config, db, out);
  if (!["preview", "plan", "start", "pause", "resume", "cancel", "status"].includes(command)) return null;
  const found = await target(args, db, out, command);
  if (!found) return 1;
  const { c, rest } = found;
  switch (command) {
    case "preview": {
      const { values } = parseArgs({ args: rest, strict: false, options: { round: { type: "string" }, lang: { type: "string" }, channel: { type: "string" } } });
      const round = values.round === undefined ? undefined : Number(values.round);
      if (round !== undefined && !(Number.isInteger(round) && round >= 1 && round <= c.rounds.length)) {
        out.error(`campaign preview: --round: 1–${c.rounds.length}`);
        return 1;
      }
      const lang = values.lang as string | undefined;
      if (lang !== undefined && lang !== "vi" && lang !== "en") {
        out.error("campaign preview: --lang: vi or en");
        return 1;
      }
      const channel = values.channel as string | undefined;
      if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel)) {
        out.error(`campaign preview: --channel: ${CHANNELS.join(", ")}`);
        return 1;
      }
      const lines = previewCampaign(c, createTranslateSync(), {
        ...(round ? { round } : {}),
        ...(lang ? { langs: [lang as Lang] } : {}),
        ...(channel ? { channels: [channel] } : {}),
      });
      for (const line of lines) out.log(line);
      return 0;
    }
    case "plan": {
      const plan = await planCampaign(db.pool, c, config.campaigns, config.timeZone);
      for (const line of formatPlan(plan)) out.log(line);
      return 0;
    }
    case "status": {
      for (const line of formatStats(c, await campaignStats(db.pool, c))) out.log(line);
      return 0;
    }
    default: {
      const moved = await transition(db.pool, c.id, command as Transition);
      if (!moved.ok) {
        out.error(`campaign ${command}: ${moved.message}`);
        return 1;
      }
      out.log(`campaign ${c.id.slice(0, 8)} "${c.name}" is now ${moved.value.status}`);
      return 0;
    }
  }
}
