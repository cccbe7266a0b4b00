import { describe, expect, it } from 'vitest';
import {
  formatBySize,
  formatChangePct,
  formatCount,
  formatDuration,
  formatElapsed,
  formatMs,
  formatNumber,
  formatPct,
  formatPercentage,
  type MsPrecision,
  type NumberStyle,
  type PercentStyle,
} from '../../src/text/format.js';

describe('formatNumber', () => {
  it.each<[number | null, number, NumberStyle, string]>([
    [1234.5, 1, {}, '1,234.5'],
    [1234567, 0, {}, '1,234,567'],
    [0.5, 0, {}, '1'],
    [-1234.56, 1, {}, '-1,234.6'],
    [1234.5, 1, { grouping: false }, '1234.5'],
    // Halfway as written, not in binary: toFixed and Intl part ways.
    [394.95, 1, {}, '394.9'],
    [394.95, 1, { rounding: 'written' }, '395.0'],
    [20017.35, 1, { rounding: 'written' }, '20,017.4'],
    [20017.35, 1, { rounding: 'written', grouping: false }, '20017.4'],
    [null, 2, {}, '–'],
    [Number.NaN, 2, {}, '–'],
    [Infinity, 0, {}, '–'],
  ])('%s with %i digits %j → %s', (value, digits, style, text) => {
    expect(formatNumber(value, digits, style)).toBe(text);
  });

  it.each<[number | null, string]>([
    [0, '0'],
    [12345.4, '12,345'],
    [null, '–'],
  ])('count %s → %s', (value, text) => {
    expect(formatCount(value)).toBe(text);
  });
});

describe('formatBySize and formatMs', () => {
  it.each<[number | null, MsPrecision, string]>([
    [0.4242, 'by-size', '0.42'],
    [12.345, 'by-size', '12.3'],
    [1234.4, 'by-size', '1,234'],
    [-5, 'by-size', '-5.00'],
    [null, 'by-size', '–'],
    [12.34, 'column', '12.3'],
    [999.94, 'column', '999.9'],
    [1234.5, 'column', '1,235'],
    [123456.7, 'column', '123,457'],
    [5.55, 'brief', '5.5'],
    [12.5, 'brief', '13'],
  ])('%s ms (%s) → %s', (ms, precision, text) => {
    expect(formatMs(ms, precision)).toBe(text);
  });

  it('by size, ungrouped as compare writes it', () => {
    expect(formatBySize(1234.5, { grouping: false })).toBe('1235');
    expect(formatBySize(null)).toBe('–');
  });
});

describe('formatDuration and formatElapsed', () => {
  it.each<[number | null, string]>([
    [0.4, '0 ms'],
    [842.5, '843 ms'],
    [9999.4, '9999 ms'],
    [10_000, '10.0 s'],
    [12_345, '12.3 s'],
    [null, '–'],
  ])('duration %s → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '0s'],
    [999, '1s'],
    [65_000, '1m 05s'],
    [3_725_000, '1h 02m 05s'],
    [-5, '0s'],
  ])('elapsed %s → %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('percentages: "89.9%", no space', () => {
  it.each<[number | null, PercentStyle, string]>([
    [0.8996, {}, '89.9%'],
    [0.9, {}, '90.0%'],
    [0.29, {}, '29.0%'],
    [1, {}, '100.0%'],
    [0.89996, { digits: 2 }, '89.99%'],
    [0.935, { digits: 0, round: 'nearest' }, '94%'],
    [0.123, { digits: 'by-size', round: 'nearest' }, '12%'],
    [0.0123, { digits: 'by-size', round: 'nearest' }, '1.2%'],
    [null, {}, '–'],
  ])('share %s %j → %s', (fraction, style, text) => {
    expect(formatPct(fraction, style)).toBe(text);
  });

  it.each<[number | null, PercentStyle, string]>([
    [95.5, { digits: 0, round: 'nearest' }, '96%'],
    [1234.5, { digits: 0, round: 'nearest' }, '1,235%'],
    [1234.5, { digits: 0, round: 'nearest', grouping: false }, '1235%'],
    [null, {}, '–'],
  ])('percent %s %j → %s', (percent, style, text) => {
    expect(formatPercentage(percent, style)).toBe(text);
  });

  it.each<[number, string]>([
    [12.34, '+12.3%'],
    [0, '+0.0%'],
    [-4, '-4.0%'],
    [1234.56, '+1234.6%'],
  ])('change %s → %s', (percent, text) => {
    expect(formatChangePct(percent)).toBe(text);
  });
});
