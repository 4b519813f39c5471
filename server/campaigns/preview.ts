// `campaign preview`: a round's message rendered for sample people (an elder, an adult, a student) in
// each language and as each channel would show it, with the same renderers the delivery uses.
import type { Lang, Translate } from "../../bot/types.ts";
import { LANGS } from "../../bot/types.ts";
import { renderCampaignMessage } from "../../bot/campaigns/render.ts";
import type { AudienceStatus, CampaignMessageSpec, RecipientView } from "../../bot/campaigns/types.ts";
import { renderTelegram } from "../channels/telegram/render.ts";
import { renderZalo } from "../channels/zalo/render.ts";
import type { CampaignRecord } from "./store.ts";

export function messageSpec(c: CampaignRecord, roundNo: number): CampaignMessageSpec {
  const r = c.rounds[roundNo - 1]!;
  return {
    campaignId: c.id,
    round: roundNo,
    texts: r.message,
    ...(c.theme ? { theme: c.theme } : {}),
    from: c.from,
    to: c.to,
    year: c.year,
    ...(c.signature ? { signature: c.signature } : {}),
    buttons: r.buttons,
  };
}

interface Sample {
  who: string;
  view: Omit<RecipientView, "lang" | "status">;
}

/** Sample people (not real ones: a preview shows no one's data). */
function samples(c: CampaignRecord): Sample[] {
  const unitName = c.signature ?? "Xã Hòa Bình";
  return [
    { who: "elder, born " + (c.year - 68), view: { fullName: "Nguyễn Văn An", birthYear: c.year - 68, targetGroup: "resident", unitName } },
    { who: "adult, born " + (c.year - 40), view: { fullName: "Trần Thị Bình", birthYear: c.year - 40, targetGroup: "worker", unitName } },
    { who: "student, born " + (c.year - 17), view: { fullName: "Lê Minh Châu", birthYear: c.year - 17, targetGroup: "student", unitName } },
  ];
}

export interface PreviewOptions {
  round?: number;
  langs?: Lang[];
  channels?: string[];
}

export function previewCampaign(c: CampaignRecord, t: Translate, o: PreviewOptions = {}): string[] {
  const out: string[] = [];
  const rounds = o.round ? [o.round] : c.rounds.map((_, i) => i + 1);
  for (const n of rounds) {
    const round = c.rounds[n - 1];
    if (!round) {
      out.push(`campaign has no round ${n} (it has ${c.rounds.length})`);
      continue;
    }
    const spec = messageSpec(c, n);
    const statuses = round.statuses ?? c.audience.statuses;
    const status: AudienceStatus = statuses.includes("in_progress") ? "in_progress" : statuses[0]!;
    out.push(`=== Round ${n} – day ${round.day}${round.label ? ` (${round.label})` : ""}, to ${round.to}${round.to === "citizens" ? `, sample status ${status}` : ""}`);
    for (const lang of o.langs ?? LANGS) {
      for (const s of round.to === "officers" ? samples(c).slice(0, 2) : samples(c)) {
        const view: RecipientView = {
          ...s.view,
          lang,
          status,
          ...(status === "in_progress" ? { progress: { answered: 9, total: 16 } } : {}),
          ...(round.to === "officers" ? { backlog: 12 } : {}),
        };
        const msg = renderCampaignMessage(spec, view, t);
        for (const channel of o.channels ?? c.audience.channels) {
          out.push(`--- ${lang} · ${s.who} · ${channel}`);
          if (channel === "telegram") {
            for (const part of renderTelegram(msg)) {
              out.push(part.text);
              for (const row of part.reply_markup?.inline_keyboard ?? []) out.push(`  [${row.map((b) => `${b.text} → ${b.callback_data}`).join("] [")}]`);
            }
          } else if (channel === "zalo") {
            for (const part of renderZalo(msg)) {
              out.push(part.text);
              for (const b of part.attachment?.payload.buttons ?? []) out.push(`  [${b.title}]`);
            }
          } else {
            out.push(msg.text);
            for (const row of msg.buttons ?? []) out.push(`  [${row.map((b) => b.label).join("] [")}]`);
          }
        }
      }
    }
  }
  return out;
}
