import type { RunPlan } from '../model/plan.js';
import { targetSecrets } from '../text/mask.js';
import { PrecheckFailedError } from '../failures/precheck-failed.js';
import type { ApiType } from '../protocol/types.js';
import type { PlatformClient } from './client.js';
import { buildCreatePayload, buildTestPayload, createTempTaskId } from './payload.js';
import type { CreateTaskRequest } from './schema.js';
import { readPrecheckVerdict, type PlatformPrecheck } from './verdict.js';

/**
 * Steps 1-4 of docs/platform.md: health, profile, pre-check through the platform, create. Both payloads are
 * built (and checked against the platform's limits) before the first request, so bad input costs no
 * network. A failed pre-check throws PrecheckFailedError (exit 3) and creates nothing.
 */

export type SubmitEvent =
  | { step: 'health'; backendConfirmed: boolean }
  | { step: 'profile'; allowed: boolean; username: string | null }
  /** latencyMs: the round trip of the pre-check through the platform. */
  | { step: 'precheck'; precheck: PlatformPrecheck; latencyMs: number }
  | { step: 'precheck-skipped' }
  | { step: 'created'; taskId: string };

export interface SubmitTaskOptions {
  client: PlatformClient;
  plan: RunPlan;
  /** `test_data`: "", "default", or the inline text of a prompts file (checkTestDataText). */
  testData: string;
  onEvent?: (event: SubmitEvent) => void;
  /** The pre-check through the platform may last a whole generation (the platform reads up to 120 s). */
  precheckTimeoutMs?: number;
}

export interface SubmittedTask {
  apiType: ApiType;
  taskId: string;
  reportUrl: string;
  /** Null when --skip-precheck. */
  precheck: PlatformPrecheck | null;
  /** The platform's backend answered /health itself (not only a web front). */
  backendConfirmed: boolean;
  /** The profile read was refused (403): a service token, which may not follow the task either. */
  serviceToken: boolean;
  /** What was sent to create the task (it carries the target's keys: mask before printing). */
  payload: CreateTaskRequest;
}

export async function submitTask(options: SubmitTaskOptions): Promise<SubmittedTask> {
  const { client, plan } = options;
  const emit = options.onEvent ?? (() => undefined);
  const testPayload = buildTestPayload(plan.target);
  const createPayload = buildCreatePayload(plan, { testData: options.testData, tempTaskId: createTempTaskId() });

  const health = await client.checkHealth();
  emit({ step: 'health', backendConfirmed: health.backendConfirmed });

  const profile = await client.readProfile();
  emit({ step: 'profile', allowed: profile.allowed, username: profile.allowed ? (profile.profile.username ?? null) : null });

  let precheck: PlatformPrecheck | null = null;
  if (plan.skipPrecheck) {
    emit({ step: 'precheck-skipped' });
  } else {
    const startedAt = performance.now();
    const response = await client.testTarget(testPayload, options.precheckTimeoutMs);
    precheck = readPrecheckVerdict(response, {
      apiType: plan.target.apiType,
      stream: plan.target.stream,
      secrets: targetSecrets(plan.target),
    });
    emit({ step: 'precheck', precheck, latencyMs: Math.round(performance.now() - startedAt) });
    if (!precheck.ok && precheck.category !== null) {
      throw new PrecheckFailedError({
        apiType: plan.target.apiType,
        category: precheck.category,
        status: precheck.status,
        message: precheck.message,
        hint: precheck.hint ?? '',
        ...(precheck.retryAfterS === undefined ? {} : { retryAfterS: precheck.retryAfterS }),
        latencyMs: Math.round(performance.now() - startedAt),
      });
    }
  }

  const created = await client.createTask(createPayload);
  emit({ step: 'created', taskId: created.task_id });
  return {
    apiType: plan.target.apiType,
    taskId: created.task_id,
    reportUrl: client.reportUrl(created.task_id),
    precheck,
    backendConfirmed: health.backendConfirmed,
    serviceToken: !profile.allowed,
    payload: createPayload,
  };
}
