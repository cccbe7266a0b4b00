/** The input layer's library API, re-exported by src/index.ts in one line. */
export { parseCurl, tokenizeCurl, type ParseCurlOptions } from './curl.js';
export { buildRequestSpecFromFlags, type RequestFlags } from './flags.js';
export { classifyTarget, type Classification, type ClassifyInput } from '../protocol/classify.js';
export { normalizeTarget, type NormalizeOptions } from './normalize.js';
export { buildRunPlan, resolveMode, type PlanContext, type ModeDecision } from './plan.js';
export { parseRunOptions, type RawRunOptions, type RunOptions } from './options.js';
export { parseSlo } from '../metrics/slo.js';
export { parseDurationS } from '../protocol/duration.js';
export { renderDryRunJson, renderDryRunText } from './dry-run.js';
