// First contact and registration: welcome, consent (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15), target
// group, unit (by code or name), full name, birth year and, under 16, a parent's or guardian's agreement;
// then the assessment starts.
import type { TargetGroup } from "../../../rules/index.ts";
import type { Effect, Lang } from "../../types.ts";
import { indexArg } from "../buttons.ts";
import { groupName } from "../labels.ts";
import { yesNoWord } from "../questions/yes-no.ts";
import { TARGET_GROUPS, type Step } from "../state.ts";
import {
  GUARDIAN_AGE,
  MAX_AGE,
  MIN_AGE,
  checkBirthYear,
  checkFullName,
  foldDiacritics,
  normaliseInput,
  normaliseUnitCode,
  truncate,
  yearIn,
} from "../text.ts";
import { button, column, emit, reprompt, say, setStep, tr, bump, type Turn } from "../turn.ts";
import { startAssessment } from "./assessment.ts";
import type { StepHandler } from "./types.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** First contact, /start before consent, or after /delete: welcome, then the consent question. */
export function welcome(turn: Turn): void {
  const { t, lang } = tr(turn);
  say(turn, { title: t(lang, "welcome.title"), text: t(lang, "welcome.text") });
  setStep(turn, { kind: "consent" });
}

export function setLanguage(turn: Turn, lang: Lang): void {
  turn.s.lang = lang;
  bump(turn);
  if (turn.s.consentVersion !== undefined) emit(turn, { type: "person.profile", language: lang });
  say(turn, { text: turn.ctx.t(lang, "lang.changed") });
  reprompt(turn);
}

function otherLang(lang: Lang): Lang {
  return lang === "vi" ? "en" : "vi";
}

export const newStep: StepHandler<Of<"new">> = {
  prompt: welcome,
};

/** Typed answers to the consent question (Zalo users often type): "đồng ý", "có" / "không đồng ý", "không". */
function consentWord(text: string): boolean | null {
  const word = foldDiacritics(normaliseInput(text));
  if (word === "dong y" || word === "toi dong y" || word === "agree" || word === "i agree") return true;
  if (word === "khong dong y" || word === "disagree") return false;
  return yesNoWord(text);
}

function agree(turn: Turn): void {
  const { t, lang } = tr(turn);
  turn.s.consentVersion = turn.ctx.consentVersion;
  emit(turn, { type: "person.consent", consentVersion: turn.ctx.consentVersion, language: lang });
  say(turn, { text: t(lang, "consent.thanks") });
  continueOnboarding(turn);
}

export const consentStep: StepHandler<Of<"consent">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    const holder = turn.ctx.dataHolder ?? t(lang, "consent.holder_default");
    say(turn, {
      title: t(lang, "consent.title"),
      text: t(lang, "consent.text", { holder, years: turn.ctx.retentionYears ?? 1 }),
      buttons: column([
        button(turn, t(lang, "consent.agree"), "c.y"),
        button(turn, t(lang, "consent.disagree"), "c.n"),
        button(turn, t(lang, "consent.other_lang"), `l.${otherLang(lang)}`),
      ]),
    });
  },
  text(turn, _step, text) {
    const word = consentWord(text);
    if (word === true) return agree(turn);
    if (word === false) return setStep(turn, { kind: "declined" });
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "hint.use_buttons") });
    reprompt(turn);
  },
  button(turn, _step, action) {
    const [name, arg] = action;
    if (name === "c" && arg === "y" && action.length === 2) {
      agree(turn);
      return true;
    }
    if (name === "c" && arg === "n" && action.length === 2) {
      setStep(turn, { kind: "declined" });
      return true;
    }
    if (name === "l" && (arg === "vi" || arg === "en") && action.length === 2) {
      setLanguage(turn, arg);
      return true;
    }
    return false;
  },
};

/** Consent refused: what that means, and a way back instead of a dead end. */
export const declinedStep: StepHandler<Of<"declined">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "consent.declined"), buttons: [[button(turn, t(lang, "consent.reconsider"), "c.r")]] });
  },
  text: reprompt,
  button(turn, _step, action) {
    if (action.length !== 2 || action[0] !== "c" || action[1] !== "r") return false;
    setStep(turn, { kind: "consent" });
    return true;
  },
};

function groupLabel(turn: Turn, group: TargetGroup): string {
  const { t, lang } = tr(turn);
  return groupName(t, lang, group);
}

function chooseGroup(turn: Turn, group: TargetGroup): void {
  if (!turn.ctx.criteria.current(group)) {
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "group.no_set") });
    reprompt(turn);
    return;
  }
  turn.s.profile.targetGroup = group;
  continueOnboarding(turn);
}

export const groupStep: StepHandler<Of<"group">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, {
      title: t(lang, "group.title"),
      text: t(lang, "group.prompt"),
      buttons: column(TARGET_GROUPS.map((g, i) => button(turn, groupLabel(turn, g), `g.${i}`))),
    });
  },
  text(turn, _step, text) {
    const typed = /^\d$/.test(normaliseInput(text)) ? TARGET_GROUPS[Number(normaliseInput(text)) - 1] : undefined;
    if (typed) return chooseGroup(turn, typed);
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "hint.use_buttons") });
    reprompt(turn);
  },
  button(turn, _step, action) {
    const i = action[0] === "g" && action.length === 2 ? indexArg(action[1]) : null;
    const group = i === null ? undefined : TARGET_GROUPS[i];
    if (!group) return false;
    chooseGroup(turn, group);
    return true;
  },
};

/** Looks a code up; true when the unit is now set. Otherwise says why and moves to the right step. */
function applyUnitCode(turn: Turn, code: string): boolean {
  const { t, lang } = tr(turn);
  const unit = code.length > 0 && code.length <= 40 ? turn.ctx.units.byCode(code) : undefined;
  if (unit) {
    Object.assign(turn.s.profile, { unitId: unit.id, unitCode: unit.code, unitName: unit.name });
    say(turn, { text: t(lang, "unit.selected", { name: unit.name, code: unit.code }) });
    return true;
  }
  const suggestion = code.length > 0 && code.length <= 40 ? turn.ctx.units.suggest(code) : undefined;
  if (suggestion) {
    say(turn, { text: t(lang, "unit.not_found_suggest", { code }) });
    setStep(turn, { kind: "unit_suggest", code: suggestion.code, name: suggestion.name });
    return false;
  }
  say(turn, { text: t(lang, "unit.not_found", { code }) });
  if (turn.s.step.kind !== "unit") setStep(turn, { kind: "unit" });
  return false;
}

function selectUnit(turn: Turn, unit: { id: string; code: string; name: string }): void {
  const { t, lang } = tr(turn);
  Object.assign(turn.s.profile, { unitId: unit.id, unitCode: unit.code, unitName: unit.name });
  say(turn, { text: t(lang, "unit.selected", { name: unit.name, code: unit.code }) });
  continueOnboarding(turn);
}

/** A unit typed by its code, else by its name (one match: taken; several: a choice). */
function typedUnit(turn: Turn, text: string): void {
  const code = normaliseUnitCode(text);
  const exact = code.length > 0 && code.length <= 40 ? turn.ctx.units.byCode(code) : undefined;
  if (exact) return selectUnit(turn, exact);
  const named = text.length <= 100 ? (turn.ctx.units.byName?.(text) ?? []) : [];
  if (named.length === 1) return selectUnit(turn, named[0]!);
  if (named.length > 1) return setStep(turn, { kind: "unit_pick", units: named.map((u) => ({ code: u.code, name: u.name })) });
  if (applyUnitCode(turn, code)) continueOnboarding(turn);
}

export const unitStep: StepHandler<Of<"unit">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, { title: t(lang, "unit.title"), text: t(lang, "unit.prompt") });
  },
  text(turn, _step, text) {
    typedUnit(turn, text);
  },
};

export const unitPickStep: StepHandler<Of<"unit_pick">> = {
  prompt(turn, step) {
    const { t, lang } = tr(turn);
    const choices = step.units.map((u, i) => button(turn, truncate(u.name), `u.${i}`, String(i + 1)));
    choices.push(button(turn, t(lang, "unit.pick_none"), "u.n"));
    say(turn, {
      text: [t(lang, "unit.pick"), ...step.units.map((u, i) => `${i + 1}. ${u.name} (${u.code})`)].join("\n"),
      buttons: column(choices),
    });
  },
  text(turn, step, text) {
    const typed = normaliseInput(text);
    const picked = /^\d{1,2}$/.test(typed) ? step.units[Number(typed) - 1] : undefined;
    if (picked) return pickUnit(turn, picked.code);
    typedUnit(turn, text);
  },
  button(turn, step, action) {
    if (action[0] !== "u" || action.length !== 2) return false;
    if (action[1] === "n") {
      const { t, lang } = tr(turn);
      say(turn, { text: t(lang, "unit.retry") });
      setStep(turn, { kind: "unit" }, false);
      return true;
    }
    const i = indexArg(action[1]);
    const picked = i === null ? undefined : step.units[i];
    if (!picked) return false;
    pickUnit(turn, picked.code);
    return true;
  },
};

function pickUnit(turn: Turn, code: string): void {
  if (applyUnitCode(turn, code)) continueOnboarding(turn);
}

export const unitSuggestStep: StepHandler<Of<"unit_suggest">> = {
  prompt(turn, step) {
    const { t, lang } = tr(turn);
    say(turn, {
      text: t(lang, "unit.suggest", { name: step.name, code: step.code }),
      buttons: column([button(turn, t(lang, "unit.suggest_yes"), "s.y"), button(turn, t(lang, "unit.suggest_no"), "s.n")]),
    });
  },
  text(turn, step, text) {
    const word = yesNoWord(text);
    if (word !== null) return answerSuggestion(turn, step, word);
    if (applyUnitCode(turn, normaliseUnitCode(text))) continueOnboarding(turn);
  },
  button(turn, step, action) {
    if (action[0] !== "s" || action.length !== 2 || (action[1] !== "y" && action[1] !== "n")) return false;
    answerSuggestion(turn, step, action[1] === "y");
    return true;
  },
};

function answerSuggestion(turn: Turn, step: Of<"unit_suggest">, yes: boolean): void {
  if (yes) {
    if (applyUnitCode(turn, step.code)) continueOnboarding(turn);
    return;
  }
  const { t, lang } = tr(turn);
  say(turn, { text: t(lang, "unit.retry") });
  setStep(turn, { kind: "unit" }, false);
}

function acceptName(turn: Turn, text: string): boolean {
  const checked = checkFullName(text);
  if (!checked.ok) return false;
  turn.s.profile.fullName = checked.name;
  return true;
}

export const nameStep: StepHandler<Of<"name">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, { title: t(lang, "name.title"), text: t(lang, "name.prompt") });
  },
  text(turn, _step, text) {
    if (acceptName(turn, text)) return continueOnboarding(turn);
    const { t, lang } = tr(turn);
    const checked = checkFullName(text);
    const tooLongOrShort = !checked.ok && checked.problem === "length";
    say(turn, { text: tooLongOrShort ? t(lang, "name.invalid_length") : t(lang, "name.invalid_chars") });
  },
  contact(turn, _step, event) {
    if (event.name !== undefined && acceptName(turn, event.name)) {
      if (event.phone !== undefined && event.phone.trim() !== "") turn.s.profile.phone = event.phone.trim();
      return continueOnboarding(turn);
    }
    reprompt(turn);
  },
};

export const birthYearStep: StepHandler<Of<"birth_year">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, { title: t(lang, "birth_year.title"), text: t(lang, "birth_year.prompt") });
  },
  text(turn, _step, text) {
    const year = yearIn(turn.ctx.now, turn.ctx.timeZone);
    const birthYear = checkBirthYear(text, year);
    if (birthYear !== null) {
      turn.s.profile.birthYear = birthYear;
      if (year - birthYear < GUARDIAN_AGE) delete turn.s.profile.guardianConsent;
      return continueOnboarding(turn);
    }
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "birth_year.invalid", { minYear: year - MAX_AGE, maxYear: year - MIN_AGE }) });
  },
};

/** Under 16: the citizen confirms that a parent or guardian agreed before anything more is asked. */
export const guardianStep: StepHandler<Of<"guardian">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, {
      title: t(lang, "guardian.title"),
      text: t(lang, "guardian.prompt", { age: GUARDIAN_AGE }),
      buttons: column([button(turn, t(lang, "guardian.yes"), "p.y"), button(turn, t(lang, "guardian.no"), "p.n")]),
    });
  },
  text(turn, step, text) {
    const word = yesNoWord(text);
    if (word === null) {
      const { t, lang } = tr(turn);
      say(turn, { text: t(lang, "hint.use_buttons") });
      return reprompt(turn);
    }
    guardianAnswer(turn, step, word);
  },
  button(turn, step, action) {
    if (action[0] !== "p" || action.length !== 2 || (action[1] !== "y" && action[1] !== "n")) return false;
    guardianAnswer(turn, step, action[1] === "y");
    return true;
  },
};

function guardianAnswer(turn: Turn, _step: Of<"guardian">, yes: boolean): void {
  if (yes) {
    turn.s.profile.guardianConsent = true;
    return continueOnboarding(turn);
  }
  const { t, lang } = tr(turn);
  say(turn, { text: t(lang, "guardian.wait") });
  reprompt(turn);
}

function needsGuardian(turn: Turn): boolean {
  const p = turn.s.profile;
  if (p.birthYear === undefined) return false;
  return yearIn(turn.ctx.now, turn.ctx.timeZone) - p.birthYear < GUARDIAN_AGE && p.guardianConsent !== true;
}

/** Asks for the first missing piece of the profile; starts the assessment when nothing is missing. */
export function continueOnboarding(turn: Turn): void {
  const p = turn.s.profile;
  if (!p.targetGroup) return setStep(turn, { kind: "group" });
  if (!p.unitId) {
    const pending = turn.s.pendingUnit;
    if (pending === undefined) return setStep(turn, { kind: "unit" });
    delete turn.s.pendingUnit;
    if (!applyUnitCode(turn, pending)) return;
  }
  if (!p.fullName) return setStep(turn, { kind: "name" });
  if (!p.birthYear) return setStep(turn, { kind: "birth_year" });
  if (needsGuardian(turn)) return setStep(turn, { kind: "guardian" });
  const profile: Effect = {
    type: "person.profile",
    fullName: p.fullName,
    birthYear: p.birthYear,
    targetGroup: p.targetGroup,
    unitId: p.unitId,
    language: turn.s.lang,
  };
  if (p.phone !== undefined) profile.phone = p.phone;
  if (p.guardianConsent === true) profile.guardianConsent = true;
  emit(turn, profile);
  startAssessment(turn);
}
