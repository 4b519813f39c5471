// The contract between the pure conversation engine (bot/engine) and everything around it:
// channel adapters turn platform updates into InboundEvents and OutMessages into platform calls;
// the server applies Effects and stores the state in one database transaction.
import type { Answers, CriteriaSet, ScoreResult, TargetGroup } from "../rules/index.ts";
import type { Decision, ReviewContext } from "./review.ts";
import type { AudienceStatus, CampaignMessageSpec } from "./campaigns/types.ts";

export type Lang = "vi" | "en";
export const LANGS: readonly Lang[] = ["vi", "en"];
export type ChannelName = "telegram" | "zalo" | "web";

/** queue: an officer's review queue (officer review; "HÀNG CHỜ"). */
export type CommandName = "start" | "help" | "status" | "lang" | "restart" | "stop" | "delete" | "queue" | "dashboard" | "report";

/** What the engine gets: something a chat sent, or a system event. */
export type InboundEvent = ChatEvent | SystemEvent;

/** What a citizen did, whatever the platform. */
export type ChatEvent =
  /** /start [payload], a Zalo follow, the web chat opened; payload "u_<CODE>" pre-selects a unit. */
  | { type: "command"; name: CommandName; arg?: string }
  | { type: "text"; text: string }
  /**
   * The data of one of our buttons coming back (Telegram callback_data, Zalo hidden payload, web tap);
   * messageId: the platform's id of the message whose button was tapped, where the channel knows it.
   */
  | { type: "button"; data: string; messageId?: string }
  /** A photo or file; ref is the platform's file id or URL. */
  | { type: "attachment"; kind: "image" | "file"; ref: string; name?: string }
  | { type: "contact"; name?: string; phone?: string }
  /** The citizen unfollowed / blocked the bot: no reply can be delivered. */
  | { type: "unfollow" };

/**
 * Something no chat sent (a reminder that is due, a decision that reaches a citizen, a campaign message),
 * applied to one account's conversation by the server's handleSystem with a stable event id. A
 * discriminated union on `name`: officer review and campaigns add their variants here.
 */
export type SystemEvent =
  /** The citizen's open draft is waiting: a reminder, then the current question again. No draft: nothing. */
  | { type: "system"; name: "assessment.reminder" }
  /** Officer review: submissions waiting too long in units this officer covers (reminder, escalation). */
  | { type: "system"; name: "review.reminder"; items: ReviewReminderItem[] }
  /** Officer review: the daily digest of an officer who chose it. */
  | { type: "system"; name: "review.digest"; pending: number; overdue: number }
  /**
   * Officer review: a decision this officer made on the dashboard (admin API), applied in their
   * conversation under the chat's rules; the citizen is told, the officer's chat says nothing.
   */
  | { type: "system"; name: "review.decide"; assessmentId: string; decision: Decision; reasonCode?: string; reason?: string }
  /**
   * A campaign's message (server/campaigns), said in the bulk lane and rendered in this conversation's
   * language for this person; status and backlog as the campaign found them at send time.
   */
  | {
      type: "system";
      name: "campaign.message";
      campaign: CampaignMessageSpec;
      status: AudienceStatus;
      /** Officers: submissions waiting in their units. */
      backlog?: number;
      /** The unit named in the message (an officer's unit), instead of the person's own. */
      unitName?: string;
    };

export interface ReviewReminderItem {
  unitName: string;
  unitCode: string;
  /** remind: own unit; escalate: to a lead (or the parent unit without one); parent: to the parent unit; orphan: a unit without officers. */
  level: "remind" | "escalate" | "parent" | "orphan";
  count: number;
  oldestDays: number;
}

export type SystemEventName = SystemEvent["name"];

/**
 * Which queue a message waits in: `reply` (to the chat that just wrote), `notice` (officer notices,
 * decisions, reminders), `bulk` (campaigns; only the budget the other lanes leave).
 */
export type Lane = "reply" | "notice" | "bulk";
export const LANES: readonly Lane[] = ["reply", "notice", "bulk"];

/** Who gets a message other than the chat that wrote (the default). */
export type Addressee =
  /** A person's reachable chat accounts: the one used last (default) or all of them. */
  | { kind: "person"; personId: string; accounts?: "last" | "all" }
  /**
   * The active officers of a unit (each on the account they used last). The server's settings say
   * whether the unit's leads and the parent unit's officers are included.
   */
  | { kind: "unit_officers"; unitId: string }
  /** One chat account (an officer's notice there, edited in place). */
  | { kind: "account"; accountId: string };

export interface Button {
  /** Plain text (adapters escape it for their platform). */
  label: string;
  /** At most 64 bytes (Telegram's callback_data limit). */
  data: string;
  /**
   * What the citizen may type instead of tapping, as the message text explains (an option's number,
   * a question's number in the review). Channels with few buttons (Zalo) may leave such buttons out.
   */
  typed?: string;
  /** The whole label when `label` had to be shortened: channels whose buttons wrap (the web chat) show it. */
  full?: string;
}

/**
 * The whole review of an assessment as structured data, for channels that show it as one scrollable
 * summary (the web chat) instead of the message's pages: every answer by competency group, the evidence
 * refs of each, and the submit button after the last. Other channels ignore it.
 */
export interface ReviewSummary {
  /** The title without page numbers. */
  title: string;
  intro: string;
  groups: {
    title: string;
    items: { label: string; prompt: string; answer: string; evidence: string[]; edit: Button }[];
  }[];
  submit: Button;
}

/** One message. Plain text: adapters escape and format per platform. */
export interface OutMessage {
  /** Shown bold where the platform allows it. */
  title?: string;
  text: string;
  /** Rows of buttons. */
  buttons?: Button[][];
  /** A picture sent with the text as its caption (a chart): PNG bytes, base64. */
  image?: { png: string };
  /**
   * The platform id of the message this one replaces in place (a multi-choice tick re-renders the
   * question it was tapped on): Telegram edits that message, the web chat re-renders it; channels that
   * cannot edit send it as a new message.
   */
  replaces?: string;
  /** The review as one summary (web chat); the text and buttons stay the paged review. */
  summary?: ReviewSummary;
  /**
   * What the message is for, where a platform treats kinds differently: a "decision" (an officer's
   * decision told to the citizen) outside Zalo's 7-day window goes as the decision template.
   */
  purpose?: "decision";
  /** An image shown with the text as its caption: a Telegram file id or an https URL (Telegram sendPhoto). */
  photo?: string;
  /**
   * The record an addressed message is about (an assessment id, for an officer's notice): stored with
   * its outbox rows, so a later event can edit it in place (a withdrawal).
   */
  subject?: string;
  /** Absent: the chat that wrote (or the conversation a system event was applied to). */
  to?: Addressee;
  /** Default: `reply` for the chat that wrote, `notice` for any other addressee. */
  lane?: Lane;
  /**
   * An addressed message is rendered once per language (turn.ts sayTo); each recipient gets the
   * version in its own language. Absent: for every recipient.
   */
  lang?: Lang;
}

export interface EvidenceRef {
  kind: "image" | "file";
  ref: string;
  name?: string;
}

/** Changes to the durable domain records that a step asks for; applied in the step's transaction. */
export type Effect =
  | { type: "person.consent"; consentVersion: string; language: Lang }
  | {
      type: "person.profile";
      fullName?: string;
      birthYear?: number;
      targetGroup?: TargetGroup;
      unitId?: string;
      language?: Lang;
      phone?: string;
      /** Under 16: the citizen confirmed that a parent or guardian agreed. */
      guardianConsent?: boolean;
    }
  | { type: "assessment.start"; setId: string; setVersion: string; year: number }
  | { type: "assessment.progress"; answers: Answers; evidence: Record<string, EvidenceRef[]> }
  | {
      type: "assessment.submit";
      answers: Answers;
      evidence: Record<string, EvidenceRef[]>;
      result: ScoreResult;
    }
  | { type: "assessment.withdraw" }
  /** campaign: the opt-out came from that campaign's message (its button, or /stop as the reply to it). */
  | { type: "person.optout"; campaign?: { id: string; round: number } }
  | { type: "person.optin" }
  /** Everything personal of the account and its person: profile, answers, evidence, uploads, transcript. */
  | { type: "person.erase" }
  /** An attachment that was refused (before consent, or where none is asked for): keep no copy of it. */
  | { type: "attachment.discard"; ref: string }
  | { type: "account.unreachable"; reason: string };

export interface UnitInfo {
  id: string;
  code: string;
  name: string;
}

/** Read-only data the engine may consult; built by the server, plain data in tests. */
export interface UnitDirectory {
  byCode(code: string): UnitInfo | undefined;
  /** The closest existing code to a mistyped one, if any is close enough. */
  suggest(code: string): UnitInfo | undefined;
  /** Units whose name matches what the citizen typed ("Xã Hòa Bình", "hoa binh"), best first. */
  byName?(text: string): UnitInfo[];
}

export interface CriteriaCatalog {
  /** The current set of a target group, used to start a new assessment. */
  current(group: TargetGroup): CriteriaSet | undefined;
  /** An exact version, used to continue an assessment started on an older version. */
  get(id: string, version: string): CriteriaSet | undefined;
}

export type Translate = (lang: Lang, key: string, params?: Record<string, unknown>) => string;

export interface StepContext {
  /** The clock (fixed in tests). */
  now: Date;
  t: Translate;
  units: UnitDirectory;
  criteria: CriteriaCatalog;
  /** Version of the consent text currently shown; recorded with the consent. */
  consentVersion: string;
  /** Evaluation years run 1 Jan – 31 Dec in this time zone. */
  timeZone: string;
  /**
   * "MM-DD": an assessment started on or before this day of January counts for the previous year
   * (dossiers are compiled in January). Absent: the calendar year.
   */
  yearCutoff?: string;
  /** Who holds the citizen's data, named in the consent text (e.g. "Hội Khuyến học xã Hòa Bình"). */
  dataHolder?: string;
  /** Years the data is kept after the evaluation year, as the consent text says (default 1). */
  retentionYears?: number;
  /** The person linked to the conversation's account, if any (absent before consent). */
  personId?: string;
  /** Officer review: what the server did for this event in its transaction (bot/review.ts). */
  review?: ReviewContext;
}
