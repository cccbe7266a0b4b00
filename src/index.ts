/** The library API: named exports only. */
export { AppError } from './failures/errors.js';
export { ERROR_CODES, type ErrorCode } from './failures/error-codes.js';
export { ExitCode, type Stage } from './failures/exit-codes.js';
export { FAILURE_CATEGORIES, PLATFORM_CATEGORIES } from './failures/categories.js';
export type { ErrorCategory, FailureCategory, PlatformCategory } from './failures/categories.js';
export { categorizeHttpStatus, categorizeStreamError } from './failures/classify-http.js';
export { categorizeTransportError, type TransportFailure } from './failures/classify-transport.js';
export type { ApiType, ParsedResponse, ProtocolAdapter, StreamParser, TokenSource } from './protocol/types.js';
export type { MockSpeaker } from './protocol/mock-types.js';
export type { RequestSpec, TargetSpec, RunPlan, LoadOptions, OutputOptions, SloCheck } from './model/plan.js';
export type { RequestRecord, RecordCategory } from './model/record.js';
export type { Summary, SummaryConfig, RunConfig, LatencyStats, TimelinePoint, TimelineCounts, ThresholdCheck, GeneratorFigures, GeneratorVerdict, RunStop, RunStopReason, StepResult, StepPercentiles, RunRates, UsageReconciliation, TransportFailures } from './model/summary.js';
export type { CapabilityReport } from './model/capability.js';
export type { ServerMetricsPlan, ServerMetricsSummary, ServerKind, Scrape, PromSample, ServerLatency, ServerTimelinePoint, TtftComparison, SaturationVerdict } from './model/server-metrics.js';
export { planTargets, type NameValue, type LoadMode, type Arrival, type StepOptions } from './model/plan.js';
export { runLocal, type RunLocalOptions, type LocalRun, type LocalRunEvent, type LocalRunResult } from './run/local.js';
export { runDemo, type RunDemoOptions, type DemoRunEvent, type DemoStartedEvent } from './run/demo.js';
export { createEndpoint, type Endpoint, type EndpointOptions, type InvokeOptions } from './run/endpoint.js';
export { runBatch, runLoadTest, type RunnerOptions } from './run/runner.js';
export { runSweep, SWEEP_DEFAULTS, type SweepOptions, type SweepEvent, type SweepRun } from './run/sweep.js';
export { runHeatmap, HEATMAP_DEFAULTS, HEATMAP_METHOD, type HeatmapOptions, type HeatmapEvent, type HeatmapRun } from './run/heatmap.js';
export type { SweepSummary, SweepPoint, SweepKind, SweepKnee, SweepSloAnswer, SweepStopReason, HeatmapSummary, HeatmapCell } from './model/experiment.js';
export { findKnee, KNEE_METHOD } from './metrics/sweep-knee.js';
export { nextRung, type LadderRules, type LadderStep } from './metrics/sweep-ladder.js';
export { answerSlo, nextBisectLoad, bestPoint } from './metrics/sweep-slo.js';
export { planSweepCost, type SweepCost } from './metrics/sweep-budget.js';
export { renderSweepConsole, renderSweepCsv, renderSweepHtml } from './report/sweep-report.js';
export { renderHeatmapConsole, renderHeatmapCsv, renderHeatmapHtml } from './report/heatmap-report.js';
export {
  runPlatform,
  followPlatformTask,
  buildPlatformResults,
  readTestDataFile,
  type RunPlatformOptions,
  type PlatformRun,
  type PlatformRunEvent,
  type PlatformRunResult,
  type PlatformResults,
  type PlatformChecks,
  type FollowResult,
  type FollowPlatformTaskOptions,
} from './run/platform.js';
export type { LiveStats } from './engine/live-stats.js';
export type { StopReason } from './engine/stop-rules.js';
export { runCli } from './cli/run-cli.js';
export { startMockServer } from './mock/server.js';
export type { MockServer, MockStats, MockRequestRecord } from './mock/server.js';
export type { MockServerOptions, MockBehaviour } from './mock/options.js';
export { adapters, getAdapter, findAdapter, registerAdapter, apiTypeIds, DEFAULT_API_TYPE } from './protocol/registry.js';
export { readProviderError, readRetryAfterS } from './protocol/provider-error.js';
export { runPrecheck, type PrecheckOptions } from './precheck/precheck.js';
export { PrecheckFailedError, describePrecheckFailure, type PrecheckFailure } from './failures/precheck-failed.js';
export type { PrecheckResult } from './precheck/types.js';
export { renderCapabilityReport } from './precheck/render.js';
export { parseCurl, tokenizeCurl, buildRequestSpecFromFlags, classifyTarget, normalizeTarget, buildRunPlan, resolveMode, parseRunOptions, parseSlo, parseDurationS, renderDryRunJson, renderDryRunText } from './input/public.js';
export { Histogram, type EncodedHistogram } from './metrics/histogram.js';
export { Recorder, mergeSnapshots, type RecorderOptions, type RecorderSnapshot } from './metrics/recorder.js';
export { summarize, type SummaryContext } from './metrics/summarize.js';
export { readRecords, summarizeRecords, type RecordsContext } from './metrics/from-records.js';
export { judgeGenerator, type GeneratorHealth } from './metrics/generator-verdict.js';
export { startHealthMonitor, type HealthMonitor } from './engine/health.js';
export { renderConsoleReport } from './report/console.js';
export { renderHtml } from './report/html.js';
export { renderComparisonHtml } from './report/compare-html.js';
export { renderCsv } from './report/csv.js';
export { renderProm } from './report/prom.js';
export { writeReports, type ReportPaths } from './report/write-reports.js';
export { compareRuns, renderComparison, type Comparison, type CompareInput, type CompareOptions, type MetricComparison } from './report/compare.js';
export { createPlatformClient, type PlatformClient, type PlatformClientOptions } from './platform/client.js';
export { submitTask, type SubmitTaskOptions, type SubmittedTask, type SubmitEvent } from './platform/submit.js';
export { followTask, type FollowTaskOptions, type FollowOutcome } from './platform/follow.js';
export { buildCreatePayload, buildTestPayload, checkPlatformLimits, checkTestDataText } from './platform/payload.js';
export { readPrecheckVerdict, type PlatformPrecheck } from './platform/verdict.js';
export { summarizeResultRows, checkPlatformThresholds, type PlatformFigures, type PlatformThresholds } from './platform/figures.js';
export { loadTokenizer, countTokens, countPromptTokens, encodingForModel } from './protocol/tokens.js';
export { startLoad, type LoadHandle, type RunLoadOptions, type RunLoadResult, type RecordSink } from './engine/run-load.js';
export { loadPrompts, parsePrompts } from './engine/prompts.js';
export type { ComparisonPlan, NamedTarget } from './model/plan.js';
export { DELTA_METRICS, type ComparisonSummary, type DeltaCell, type DeltaMetric, type DeltaMetricId, type DeltaRow, type FailuresByLayer, type GatewayFigures, type RoundInterval, type TargetOutcome } from './model/comparison.js';
export { GATEWAY_HEADER_NAMES, parseServerTiming, type ServerTimingEntry } from './model/gateway-headers.js';
export { targetEntrySchema, targetListSchema, targetsFileSchema, type TargetEntry, type TargetsFile } from './input/targets-schema.js';
export { parseTargetsFile } from './input/targets.js';
export { compareTargets, type TargetRecords } from './metrics/target-comparison.js';
export { gatewayFigures } from './metrics/gateway-figures.js';
export { classifyFailureLayer } from './failures/gateway-layer.js';
export { GATEWAY_RESPONSE_HEADERS } from './mock/options.js';
