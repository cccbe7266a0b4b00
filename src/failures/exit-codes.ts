import { isPlatformCategory, type ErrorCategory } from './categories.js';

/** Exit codes of docs/cli.md ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  input: 2,
  precheck: 3,
  platform: 4,
  threshold: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in the flow an error happened; the `stage` field of the error JSON. */
export type Stage = 'input' | 'precheck' | 'platform' | 'run' | 'report' | 'internal';

/** The stage an error of this category happens in unless its thrower says otherwise. */
export function defaultStage(category: ErrorCategory): Stage {
  if (category === 'input') return 'input';
  if (category === 'internal') return 'internal';
  if (category === 'threshold' || category === 'interrupted') return 'run';
  if (isPlatformCategory(category)) return 'platform';
  return 'precheck';
}

export function exitCodeFor(category: ErrorCategory, stage: Stage): ExitCode {
  switch (category) {
    case 'input':
      return ExitCode.input;
    case 'internal':
      return ExitCode.internal;
    case 'threshold':
      return ExitCode.threshold;
    case 'interrupted':
      return ExitCode.interrupted;
    case 'platform_auth':
    case 'platform_unreachable':
    case 'platform_error':
    case 'platform_rejected':
      return ExitCode.platform;
    default:
      // A target failure found by the platform's pre-check is still the target's: exit 3.
      return stage === 'platform' ? ExitCode.platform : ExitCode.precheck;
  }
}
