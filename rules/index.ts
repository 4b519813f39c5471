// The public API of the rules module (no I/O here: file loading lives in load-file.ts).
export type * from "./types.ts";
export { parseCriteriaSet } from "./load.ts";
export { contentHash, canonicalJson } from "./hash.ts";
export { score, lowIndicators } from "./score.ts";
export { checkAnswer, questionPoints, questionMaxPoints, allQuestions, findQuestion } from "./questions.ts";
export { isVisible, visibleQuestions } from "./visibility.ts";
export { localText, type TextLanguage } from "./text.ts";
export { QUESTION_TYPES, QUESTION_TYPE_NAMES, type QuestionModule } from "./registry.ts";
export { TARGET_GROUPS } from "./schema.ts";
