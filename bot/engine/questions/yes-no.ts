// yes_no: buttons Có / Không ("a.y" / "a.n"); typed có, không, yes, no, 1, 2 also work.
import type { YesNoQuestion } from "../../../rules/index.ts";
import { foldDiacritics, normaliseInput } from "../text.ts";
import type { QuestionModule } from "./types.ts";

const YES = new Set(["co", "c", "yes", "y", "1", "dung", "phai", "co a", "vang"]);
const NO = new Set(["khong", "k", "ko", "no", "n", "2", "chua", "khong a"]);

/** true for a typed yes, false for a typed no, null otherwise. */
export function yesNoWord(text: string): boolean | null {
  const word = foldDiacritics(normaliseInput(text));
  return YES.has(word) ? true : NO.has(word) ? false : null;
}

export const yesNo: QuestionModule<YesNoQuestion> = {
  type: "yes_no",
  body(_q, { t, lang }) {
    return [t(lang, "question.yes_no.hint")];
  },
  buttons(_q, { t, lang }) {
    return [[{ label: t(lang, "question.yes_no.yes"), action: "a.y", typed: "1" }], [{ label: t(lang, "question.yes_no.no"), action: "a.n", typed: "2" }]];
  },
  fromText(_q, text) {
    const word = yesNoWord(text);
    return word === null ? null : { kind: "answer", value: word };
  },
  fromButton(_q, action) {
    if (action[0] !== "a" || action.length !== 2) return null;
    if (action[1] === "y") return { kind: "answer", value: true };
    if (action[1] === "n") return { kind: "answer", value: false };
    return null;
  },
  invalid(_q, { t, lang }) {
    return t(lang, "question.yes_no.invalid");
  },
  summary(_q, value, { t, lang }) {
    return value === true ? t(lang, "question.yes_no.yes") : t(lang, "question.yes_no.no");
  },
};
