// `npm run admin -- zalo set-tokens --access <token> --refresh <token> [--expires-in <seconds>]`:
// stores a token pair that an OA admin obtained by authorising the app in a browser (the first pair,
// or a new one after a refresh token was lost). The CLI wiring lives with the admin CLI; this module
// parses the arguments and stores the pair. Tokens are never printed.
import type { TokenPair, ZaloTokenStore } from "./tokens.ts";

export interface SetTokensArgs {
  access: string;
  refresh: string;
  /** Lifetime of the access token in seconds (Zalo: 90000 = 25 h, the default). */
  expiresIn: number;
}

export type ParsedArgs = { ok: true; args: SetTokensArgs } | { ok: false; problems: string[] };

export const SET_TOKENS_USAGE = "usage: zalo set-tokens --access <token> --refresh <token> [--expires-in <seconds, default 90000>]";

const TOKEN = /^[A-Za-z0-9._~+/=-]{16,4096}$/;

/** Parses `--access X --refresh Y --expires-in N` (also `--name=value`). */
export function parseSetTokensArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(access|refresh|expires-in)(?:=(.*))?$/.exec(arg);
    if (!m) {
      problems.push(`unknown argument ${JSON.stringify(arg.slice(0, 40))}`);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) problems.push(`--${m[1]} needs a value`);
    else values.set(m[1]!, value.trim());
  }
  const access = values.get("access");
  const refresh = values.get("refresh");
  const expiresRaw = values.get("expires-in") ?? "90000";
  if (!access) problems.push("--access is required");
  else if (!TOKEN.test(access)) problems.push("--access does not look like a Zalo access token");
  if (!refresh) problems.push("--refresh is required");
  else if (!TOKEN.test(refresh)) problems.push("--refresh does not look like a Zalo refresh token");
  if (access && refresh && access === refresh) problems.push("--access and --refresh must differ");
  const expiresIn = /^\d{1,8}$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
  if (!(expiresIn >= 60 && expiresIn <= 90 * 86_400)) problems.push("--expires-in must be a number of seconds between 60 and 7776000");
  if (problems.length > 0) return { ok: false, problems: [...problems, SET_TOKENS_USAGE] };
  return { ok: true, args: { access: access!, refresh: refresh!, expiresIn } };
}

/** Stores the pair; returns a one-line summary for the operator (without the tokens). */
export async function setZaloTokens(
  store: Pick<ZaloTokenStore, "setTokens">,
  args: SetTokensArgs,
): Promise<{ pair: TokenPair; summary: string }> {
  const pair = await store.setTokens(args.access, args.refresh, args.expiresIn);
  const summary = `Stored a new Zalo token pair; the access token expires at ${pair.accessExpiresAt.toISOString()} and is refreshed automatically before that.`;
  return { pair, summary };
}
