// multi_choice: toggle buttons "☑/☐ label" ("t.<index>") re-sent with the current marks, and "Xong"
// ("d") to confirm; typed "1 3" or "1,3" answers at once (typed "0" = none of them).
import { localText, type MultiChoiceQuestion } from "../../../rules/index.ts";
import { indexArg } from "../buttons.ts";
import { MAX_LABEL, normaliseInput } from "../text.ts";
import { fullLabel, optionLabel, optionLines, typedIndex } from "./options.ts";
import type { QuestionModule, QuestionView } from "./types.ts";

function selection(v: QuestionView): string[] {
  if (v.draft) return v.draft;
  return Array.isArray(v.current) ? v.current : [];
}

/** Option ids in the order of the options. */
function ordered(q: MultiChoiceQuestion, ids: ReadonlySet<string>): string[] {
  return q.options.filter((o) => ids.has(o.id)).map((o) => o.id);
}

export const multiChoice: QuestionModule<MultiChoiceQuestion> = {
  type: "multi_choice",
  body(q, { t, lang }) {
    return [...optionLines(q.options, lang), "", t(lang, "question.multi.hint")];
  },
  buttons(q, v) {
    const chosen = new Set(selection(v));
    const toggles = q.options.map((o, i) => [
      {
        label: `${chosen.has(o.id) ? "☑" : "☐"} ${optionLabel(o, v.lang, MAX_LABEL - 2)}`,
        action: `t.${i}`,
        typed: String(i + 1),
        ...fullLabel(o, v.lang, MAX_LABEL - 2, `${chosen.has(o.id) ? "☑" : "☐"} `),
      },
    ]);
    return [...toggles, [{ label: v.t(v.lang, "question.multi.done"), action: "d" }]];
  },
  fromText(q, text) {
    const tokens = normaliseInput(text).split(/[\s,;]+/).filter((s) => s.length > 0);
    if (tokens.length === 1 && tokens[0] === "0") return { kind: "answer", value: [] };
    if (tokens.length === 0) return null;
    const ids = new Set<string>();
    for (const token of tokens) {
      const i = typedIndex(token, q.options.length);
      const option = i === null ? undefined : q.options[i];
      if (!option) return null;
      ids.add(option.id);
    }
    return { kind: "answer", value: ordered(q, ids) };
  },
  fromButton(q, action, v) {
    if (action[0] === "d" && action.length === 1) return { kind: "answer", value: selection(v) };
    if (action[0] !== "t" || action.length !== 2) return null;
    const i = indexArg(action[1]);
    const option = i === null ? undefined : q.options[i];
    if (!option) return null;
    const ids = new Set(selection(v));
    if (ids.has(option.id)) ids.delete(option.id);
    else ids.add(option.id);
    return { kind: "draft", value: ordered(q, ids) };
  },
  invalid(q, { t, lang }) {
    return t(lang, "question.multi.invalid", { last: q.options.length });
  },
  summary(q, value, { t, lang }) {
    const ids = Array.isArray(value) ? value : [];
    const labels = q.options.filter((o) => ids.includes(o.id)).map((o) => localText(o.label, lang));
    return labels.length > 0 ? labels.join("; ") : t(lang, "question.multi.none");
  },
};
