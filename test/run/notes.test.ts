import { describe, expect, it } from 'vitest';
import type { RunLoadResult } from '../../src/engine/run-load.js';
import type { RunPlan } from '../../src/model/plan.js';
import { describeNotes } from '../../src/run/summary.js';
import { loadOptions } from '../engine/helpers.js';

/** Only what describeNotes reads: the outcome's dropped arrivals, the generator's verdict and the load. */
function notesFor(droppedArrivals: number, verdict: 'ok' | 'degraded' | 'invalid'): string[] {
  const result = { outcome: { droppedArrivals }, generator: { verdict } } as unknown as RunLoadResult;
  const plan = { load: loadOptions({ rate: 100 }) } as unknown as RunPlan;
  return describeNotes(result, plan);
}

describe('the note on arrivals never sent', () => {
  it.each([
    [0, 'ok', null],
    [12, 'ok', '12 scheduled arrivals were still queued at the stop (every user was busy) and never sent: raise --concurrent-users or lower --rate'],
    [
      3821,
      'invalid',
      '3821 scheduled arrivals were still queued at the stop (every user was busy) and never sent: this generator was overloaded too (verdict invalid): add --workers, or lower --rate',
    ],
  ] as const)('%i dropped, generator %s', (dropped, verdict, note) => {
    expect(notesFor(dropped, verdict)).toEqual(note === null ? [] : [note]);
  });
});
