// A step that only states where the citizen is (declined consent, a submitted assessment …): its notice
// is the prompt, and any text, tap or attachment shows the notice again, changing nothing.
import type { Lang, Translate } from "../../types.ts";
import type { Step } from "../state.ts";
import { emit, reprompt, say, tr } from "../turn.ts";
import type { StepHandler } from "./types.ts";

/** `text` is written `(t, lang) => t(lang, "<literal key>")` so that the locale test sees the key. */
export function noticeStep<S extends Step>(text: (t: Translate, lang: Lang) => string): StepHandler<S> {
  return {
    prompt(turn) {
      const { t, lang } = tr(turn);
      say(turn, { text: text(t, lang) });
    },
    text: reprompt,
    anyButton: true,
    button(turn) {
      reprompt(turn);
      return true;
    },
    attachment(turn, _step, event) {
      emit(turn, { type: "attachment.discard", ref: event.ref });
      reprompt(turn);
    },
  };
}
