// The command menu platforms show next to the message box (Telegram's setMyCommands), described in
// the citizen's language; the same commands the parser reads (parse.ts).
import type { CommandName, Lang, Translate } from "../../types.ts";

export interface MenuEntry {
  command: CommandName;
  description: string;
}

export function commandMenu(t: Translate, lang: Lang): MenuEntry[] {
  return [
    { command: "start", description: t(lang, "menu.start") },
    { command: "status", description: t(lang, "menu.status") },
    { command: "restart", description: t(lang, "menu.restart") },
    { command: "lang", description: t(lang, "menu.lang") },
    { command: "stop", description: t(lang, "menu.stop") },
    { command: "delete", description: t(lang, "menu.delete") },
    { command: "help", description: t(lang, "menu.help") },
  ];
}
