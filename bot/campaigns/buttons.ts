// Button data of campaign messages. Unlike a question's buttons they carry no prompt nonce: a campaign
// message stays valid for days, whatever the citizen did in between (see bot/engine/README.md).
export const CAMPAIGN_BUTTON_DATA = {
  /** Resume the self-assessment exactly where the citizen stopped (or begin it). */
  continue: "cmp.go",
  /** Stop every campaign message to this person on every channel. */
  stop: "cmp.stop",
} as const;
