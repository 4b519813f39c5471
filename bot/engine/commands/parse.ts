// The one parser of typed commands, for every channel: "/status", "/start u_ABC", "/help@my_bot"
// (Telegram's form in groups) and plain words in Vietnamese or English ("TRẠNG THÁI", "trang thai",
// "Làm lại", "help"). The words live in locales/<lang>/commands.json, not here. A whole message is a
// command word or it is not: "dùng 30 giờ" never is. Words typed with diacritics must match exactly
// (so "dùng" is not "dừng"); words typed without any diacritic match the keyword without its diacritics.
import enWords from "../../../locales/en/commands.json" with { type: "json" };
import viWords from "../../../locales/vi/commands.json" with { type: "json" };
import type { CommandName } from "../../types.ts";
import { foldDiacritics } from "../text.ts";

export const COMMAND_NAMES: readonly CommandName[] = ["start", "help", "status", "lang", "restart", "stop", "delete", "queue", "dashboard", "report"];

export type ParsedCommand =
  | { kind: "command"; name: CommandName; arg?: string; /** typed as a word, not as "/name" */ word: boolean }
  /** "/something" we do not know. */
  | { kind: "unknown" };

type WordList = Record<CommandName, string[]>;

const lower = (text: string) => text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();

/** Word (lower case, NFC) → command; its diacritic-free form → command. */
function indexWords(lists: readonly WordList[]): { exact: Map<string, CommandName>; folded: Map<string, CommandName> } {
  const exact = new Map<string, CommandName>();
  const folded = new Map<string, CommandName>();
  for (const list of lists) {
    for (const name of COMMAND_NAMES) {
      for (const word of list[name] ?? []) {
        exact.set(lower(word), name);
        folded.set(foldDiacritics(lower(word)), name);
      }
    }
  }
  return { exact, folded };
}

const WORDS = indexWords([viWords as WordList, enWords as WordList]);

/** The keywords of a command in one language (for help texts and tests). */
export function commandWords(lang: "vi" | "en", name: CommandName): readonly string[] {
  return ((lang === "vi" ? viWords : enWords) as WordList)[name];
}

function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** A typed command, an unknown "/command", or null for ordinary text. */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("/")) {
    const m = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(trimmed);
    const name = m?.[1]?.toLowerCase();
    if (!m || name === undefined || !isCommandName(name)) return { kind: "unknown" };
    const arg = m[2]?.trim();
    return arg ? { kind: "command", name, arg, word: false } : { kind: "command", name, word: false };
  }
  // Trailing punctuation and a polite "ạ" do not change a word: "Trợ giúp!", "làm lại ạ".
  const typed = lower(trimmed).replace(/[.!?…,;:]+$/u, "").replace(/\s+ạ$/u, "").trim();
  if (typed.length === 0 || typed.length > 40) return null;
  const hasDiacritics = foldDiacritics(typed) !== typed;
  const name = hasDiacritics ? WORDS.exact.get(typed) : WORDS.folded.get(typed);
  return name === undefined ? null : { kind: "command", name, word: true };
}
