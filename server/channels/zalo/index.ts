// The Zalo Official Account channel: webhook in, sender out, the token pair in between.
export { setZaloTokens, parseSetTokensArgs, SET_TOKENS_USAGE, type SetTokensArgs, type ParsedArgs } from "./admin.ts";
export {
  ZaloClient,
  ZaloApiError,
  ZaloNetworkError,
  errorKind,
  type ZaloClientOptions,
  type ZaloErrorKind,
  type RefreshedPair,
} from "./client.ts";
export { parseZaloEvent, parseWebhookJson, quoteBigIntegers, textEvent, type ZaloInbound, type ZaloIgnored } from "./events.ts";
export {
  renderZalo,
  planButtons,
  splitText,
  truncateTitle,
  buttonPayload,
  BUTTON_PAYLOAD_PREFIX,
  ZALO_TEXT_LIMIT,
  ZALO_MAX_BUTTONS,
  ZALO_BUTTON_TITLE_MAX,
  type ZaloMessageBody,
  type ZaloButton,
} from "./render.ts";
export {
  createZaloSender,
  classifyZaloError,
  nightBanDelayMs,
  ZALO_WINDOW_MS,
  RATE_LIMIT_DELAY_MS,
  TOKEN_UNAVAILABLE_DELAY_MS,
  type ZaloSenderDeps,
} from "./sender.ts";
export { verifySignature, signatureFor, SIGNATURE_HEADER } from "./signature.ts";
export {
  ZaloTokenStore,
  ZaloTokenError,
  SET_TOKENS_HINT,
  type ZaloTokenStoreOptions,
  type ZaloTokenSource,
  type TokenPair,
  type StoredTokens,
  type ZaloTokenErrorCode,
} from "./tokens.ts";
export { zaloWebhookRoutes, ZALO_WEBHOOK_PATH, type ZaloWebhookDeps } from "./webhook.ts";
