import type { TargetSpec } from '../model/plan.js';
import type { Scenario } from '../model/scenarios.js';
import type { ProtocolAdapter } from '../protocol/types.js';

/**
 * The target's body as one scenario sends it: its own stream setting (normalised by the adapter, as the
 * plan's body was) and its output tokens. Made once per scenario and thread, before the run.
 */
export function scenarioBody(target: TargetSpec, adapter: ProtocolAdapter, scenario: Scenario): { body: Record<string, unknown>; stream: boolean } {
  const stream = scenario.stream ?? target.stream;
  let body = target.body;
  if (stream !== target.stream) body = adapter.normalizeRequest(body, { model: target.model, stream, headers: target.headers }).body;
  if (scenario.maxOutputTokens !== null && adapter.applyOutputLength !== undefined) body = adapter.applyOutputLength(body, scenario.maxOutputTokens, false);
  return { body, stream };
}
