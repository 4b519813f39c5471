// What a flow module provides for each kind of step it owns (see registry.ts).
import type { InboundEvent } from "../../types.ts";
import type { Step } from "../state.ts";
import type { Turn } from "../turn.ts";

export type AttachmentEvent = Extract<InboundEvent, { type: "attachment" }>;
export type ContactEvent = Extract<InboundEvent, { type: "contact" }>;

export interface StepHandler<S extends Step = Step> {
  /** Renders the current prompt (question, choice …) as the last message(s) of the step. */
  prompt(turn: Turn, step: S): void;
  /** Free text; default: a hint to use the buttons, then the prompt again. */
  text?(turn: Turn, step: S, text: string): void;
  /**
   * A tap whose nonce matches the prompt. Returns false, changing nothing, for an action this step does
   * not know (treated like malformed data).
   */
  button?(turn: Turn, step: S, action: readonly string[]): boolean;
  /** Every tap, old or new, goes to button() (steps that answer everything the same way). */
  anyButton?: boolean;
  /** Default: "not needed here", nothing changes. */
  attachment?(turn: Turn, step: S, event: AttachmentEvent): void;
  /** Default: the prompt again. */
  contact?(turn: Turn, step: S, event: ContactEvent): void;
}
