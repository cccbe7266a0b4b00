/**
 * An API's id (`openai-chat`, `anthropic-messages`, ...): open, so a new adapter needs no change here;
 * the protocol registry says which ids exist.
 */
export type ApiType = string;

/** Where a request's token counts came from (docs/metrics.md). */
export type TokenSource = 'usage' | 'tokenizer';
