// number: no answer buttons; the citizen types "12", "12,5" or "12.5". The allowed range and the unit
// are in the text; the rules module decides what is allowed (see assessment flow: checkAnswer).
import { localText, type NumberQuestion } from "../../../rules/index.ts";
import type { Lang } from "../../types.ts";
import { formatNumber, numberInText } from "../text.ts";
import type { QuestionModule } from "./types.ts";

function unitOf(q: NumberQuestion, lang: Lang): string {
  return q.unit ? localText(q.unit, lang) : "";
}

/** The unit as a suffix (" giờ"), empty without a unit. */
function unitSuffix(q: NumberQuestion, lang: Lang): string {
  const unit = unitOf(q, lang);
  return unit ? ` ${unit}` : "";
}

export const numberQuestion: QuestionModule<NumberQuestion> = {
  type: "number",
  body(q, { t, lang }) {
    const params = { min: formatNumber(q.min, lang), max: formatNumber(q.max, lang), unit: unitSuffix(q, lang) };
    return [q.integer ? t(lang, "question.number.hint_integer", params) : t(lang, "question.number.hint_decimal", params)];
  },
  buttons() {
    return [];
  },
  fromText(_q, text) {
    const n = numberInText(text);
    return n === null ? null : { kind: "answer", value: n };
  },
  fromButton() {
    return null;
  },
  invalid(q, { t, lang }) {
    const params = { min: formatNumber(q.min, lang), max: formatNumber(q.max, lang), unit: unitSuffix(q, lang) };
    return q.integer ? t(lang, "question.number.invalid_integer", params) : t(lang, "question.number.invalid_decimal", params);
  },
  summary(q, value, { lang }) {
    const unit = unitOf(q, lang);
    const n = typeof value === "number" ? formatNumber(value, lang) : String(value);
    return unit ? `${n} ${unit}` : n;
  },
};
