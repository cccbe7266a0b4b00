/** The library API: named exports only. */
export { AppError, ExitCode, FAILURE_CATEGORIES, PLATFORM_CATEGORIES } from './errors.js';
export type { ErrorCategory, FailureCategory, PlatformCategory, Stage } from './errors.js';
export type { ApiType, ParsedResponse, StreamParser, TokenSource } from './protocol/types.js';
export type { RequestSpec, TargetSpec, RunPlan, LoadOptions, OutputOptions, SloCheck } from './input/request-spec.js';
export type { RequestRecord, Summary, LatencyStats, TimelinePoint } from './metrics/types.js';
export { runCli } from './cli/run-cli.js';
export { startMockServer } from './mock/server.js';
export type { MockServer, MockStats, MockRequestRecord } from './mock/server.js';
export type { MockServerOptions, MockBehaviour } from './mock/options.js';
export { adapters, getAdapter } from './protocol/registry.js';
export { readProviderError, categorizeHttpStatus, categorizeStreamError, readRetryAfterS } from './protocol/provider-error.js';
export { runPrecheck, type PrecheckOptions } from './precheck/precheck.js';
export { categorizeTransportError, type TransportFailure } from './precheck/categorize.js';
export { PrecheckFailedError, type CapabilityReport, type PrecheckFailure, type PrecheckResult } from './precheck/types.js';
export { renderCapabilityReport } from './precheck/render.js';
export { parseCurl, tokenizeCurl, buildRequestSpecFromFlags, classifyTarget, normalizeTarget, buildRunPlan, resolveMode, parseRunOptions, parseSlo, parseDurationS, PLATFORM_LIMITS, renderDryRunJson, renderDryRunText } from './input/public.js';
