// single_choice: one button per option ("a.<index>"); typed "2" or the option's label also work.
import { localText, type SingleChoiceQuestion } from "../../../rules/index.ts";
import { indexArg } from "../buttons.ts";
import { normaliseInput } from "../text.ts";
import { fullLabel, optionByLabel, optionLabel, optionLines, typedIndex } from "./options.ts";
import type { QuestionModule } from "./types.ts";

export const singleChoice: QuestionModule<SingleChoiceQuestion> = {
  type: "single_choice",
  body(q, { t, lang }) {
    return [...optionLines(q.options, lang), "", t(lang, "question.single.hint")];
  },
  buttons(q, { lang }) {
    return q.options.map((o, i) => [{ label: optionLabel(o, lang), action: `a.${i}`, typed: String(i + 1), ...fullLabel(o, lang) }]);
  },
  fromText(q, text, { lang }) {
    const i = typedIndex(normaliseInput(text), q.options.length) ?? optionByLabel(q.options, text, lang);
    const option = i === null ? undefined : q.options[i];
    return option ? { kind: "answer", value: option.id } : null;
  },
  fromButton(q, action) {
    if (action[0] !== "a" || action.length !== 2) return null;
    const i = indexArg(action[1]);
    const option = i === null ? undefined : q.options[i];
    return option ? { kind: "answer", value: option.id } : null;
  },
  invalid(q, { t, lang }) {
    return t(lang, "question.single.invalid", { last: q.options.length });
  },
  summary(q, value, { lang }) {
    const option = q.options.find((o) => o.id === value);
    return option ? localText(option.label, lang) : String(value);
  },
};
