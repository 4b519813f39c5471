// The web chat cookie's secret outside production when WEB_CHAT_SECRET is not set: generated once and
// kept in a local file (WEB_CHAT_SECRET_FILE, ignored by git), so that a restart does not log every
// web chat citizen out. Production requires WEB_CHAT_SECRET (config.ts).
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MIN_LENGTH = 32;

/** The secret stored at `path`, created (0600) when missing; concurrent first starts agree on one. */
export function loadOrCreateSecret(path: string): { secret: string; created: boolean } {
  const existing = read(path);
  if (existing) return { secret: existing, created: false };
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return { secret, created: true };
  } catch (error) {
    // Another process created it first: use theirs.
    const theirs = (error as NodeJS.ErrnoException).code === "EEXIST" ? read(path) : undefined;
    if (theirs) return { secret: theirs, created: false };
    throw error;
  }
}

function read(path: string): string | undefined {
  try {
    const text = readFileSync(path, "utf8").trim();
    return text.length >= MIN_LENGTH ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
