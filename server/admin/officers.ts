// `npm run admin -- officer …`: invite officers to a unit, list them, deactivate one, and list the units
// nobody covers. Output for a person at a terminal; exit 1 with a reason when nothing changed.
import { parseArgs } from "node:util";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { createInvitation, invitationLinks, OFFICER_ROLES, type OfficerRole } from "../officers/invitations.ts";
import { deactivateOfficer, listOfficers } from "../officers/store.ts";
import { MAX_INVITE_MS, parseDuration } from "../officers/tokens.ts";
import { unitsWithoutOfficers } from "../review/reminders.ts";
import { dateTimeFormat } from "../../bot/intl.ts";

type Command = (args: string[], config: Config, db: Database) => Promise<number>;

export const OFFICER_USAGE = [
  "officer invite --unit <CODE> [--role officer|lead] [--expires 7d|48h]",
  "officer list [--unit <CODE>]",
  "officer deactivate --id <officer id from officer list>",
  "officer uncovered",
];

function flags(args: string[], names: string[]) {
  return parseArgs({ args, strict: false, options: Object.fromEntries(names.map((k) => [k, { type: "string" as const }])) }).values as Record<string, string | undefined>;
}

function localTime(date: Date, timeZone: string): string {
  return dateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }).format(date);
}

const invite: Command = async (args, config, db) => {
  const v = flags(args, ["unit", "role", "expires"]);
  const problems: string[] = [];
  if (!v.unit) problems.push("--unit is required (a unit code, see: npm run admin -- unit list)");
  const role = (v.role ?? "officer") as OfficerRole;
  if (!OFFICER_ROLES.includes(role)) problems.push(`--role: one of ${OFFICER_ROLES.join(", ")}`);
  const expiresInMs = v.expires === undefined ? config.review.inviteDays * 86_400_000 : parseDuration(v.expires);
  if (expiresInMs === undefined || expiresInMs > MAX_INVITE_MS) problems.push("--expires: a duration such as 7d, 48h or 90m, at most 90d");
  if (problems.length > 0) {
    for (const p of problems) console.error(`officer invite: ${p}`);
    return 1;
  }
  const issued = await createInvitation(db.pool, { unitCode: v.unit!, role, expiresInMs: expiresInMs!, createdBy: "cli", now: new Date() });
  if (!issued.ok) {
    console.error(`officer invite: ${issued.message} (--unit)`);
    return 1;
  }
  const i = issued.value;
  console.log(`Invitation ${i.id}: ${i.role} of ${i.unit.code} (${i.unit.name}), single use, valid until ${localTime(i.expiresAt, config.timeZone)}.`);
  console.log("Send ONE of these to the officer (each works once; the first used wins):");
  const links = invitationLinks(i, { telegramUsername: config.telegram.username, publicBaseUrl: config.publicBaseUrl });
  console.log(
    links.telegram
      ? `  Telegram: ${links.telegram}`
      : `  Telegram: set TELEGRAM_BOT_USERNAME to print the link (start payload ${links.telegramStartPayload})`,
  );
  console.log(`  Web chat: ${links.web}`);
  console.log(`  Zalo:     type ${links.zaloCode} in the Official Account's chat`);
  return 0;
};

const list: Command = async (args, _config, db) => {
  const v = flags(args, ["unit"]);
  const listed = await listOfficers(db.pool, v.unit ? { unitCode: v.unit } : {});
  if (!listed.ok) {
    console.error(`officer list: ${listed.message} (--unit)`);
    return 1;
  }
  if (listed.value.length === 0) console.log("no officers yet: npm run admin -- officer invite --unit <CODE>");
  for (const o of listed.value) {
    console.log([o.officerId, o.unit.code, o.role, o.active ? "active" : "inactive", o.fullName ?? "(no name yet)", o.channels.join(",") || "-"].join("\t"));
  }
  return 0;
};

const deactivate: Command = async (args, _config, db) => {
  const v = flags(args, ["id"]);
  if (!v.id) {
    console.error("officer deactivate: --id is required (the first column of: npm run admin -- officer list)");
    return 1;
  }
  const r = await deactivateOfficer(db.pool, { officerId: v.id, by: "cli", now: new Date() });
  if (!r.ok) {
    console.error(`officer deactivate: ${r.message}`);
    return 1;
  }
  console.log(`deactivated ${r.value.fullName ?? v.id} as officer of ${r.value.unit.code}`);
  return 0;
};

const uncovered: Command = async (_args, _config, db) => {
  const units = await unitsWithoutOfficers(db.pool);
  if (units.length === 0) console.log("every unit has an active officer");
  for (const u of units) {
    const where = u.coveredByParent ? `goes to ${u.parentCode}'s officers` : "NOBODY receives its submissions";
    console.log([u.unit.code, u.unit.name, `${u.pending} pending`, where].join("\t"));
  }
  return 0;
};

export const OFFICER_COMMANDS: Record<string, Command> = {
  "officer invite": invite,
  "officer list": list,
  "officer deactivate": deactivate,
  "officer uncovered": uncovered,
};
