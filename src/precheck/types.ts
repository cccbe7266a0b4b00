import type { PrecheckFailure } from '../failures/precheck-failed.js';
import type { CapabilityReport } from '../model/capability.js';

/** What one pre-check found: the capability report, or why the target failed. */
export type PrecheckResult = { ok: true; capability: CapabilityReport } | { ok: false; failure: PrecheckFailure };
