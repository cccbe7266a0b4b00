// Client-side token counting (a server that reports no usage): our countTokens against js-tiktoken's
// encode(text).length, the same counts (checked here, and in test/protocol/tokens.test.ts). Texts: the
// mock's answers (a small vocabulary, a warm piece table), the built-in prompt set (English and Chinese,
// varied), and text whose every word is new (a cold table: every piece a miss, the worst case).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mockText } from '../dist/mock/words.js';
import { countTokens, loadTokenizer } from '../dist/protocol/tokens.js';
import { createRandom } from '../dist/random.js';

const require = createRequire(import.meta.url);
const { getEncoding } = require('js-tiktoken');
const encoding = getEncoding('o200k_base');
loadTokenizer();

const random = createRandom(11);
let serial = 0;
/** Words never seen before (a serial number spelled in letters keeps each one distinct). */
function freshText(words) {
  let text = '';
  for (let i = 0; i < words; i += 1) {
    let n = (serial += 1);
    let word = ' ';
    for (let k = 0; k < 3 + Math.floor(random() * 4); k += 1) word += String.fromCharCode(97 + Math.floor(random() * 26));
    while (n > 0) {
      word += String.fromCharCode(97 + (n % 26));
      n = Math.floor(n / 26);
    }
    text += word;
  }
  return text;
}

const prompts = readFileSync(new URL('../data/prompts/default.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');
const sets = [
  ['mock answers, 512 tokens', () => Array.from({ length: 32 }, (_, i) => mockText(512, { start: i * 5 }))],
  ['built-in prompts', () => prompts],
  ['every word new (cold table)', () => Array.from({ length: 32 }, () => freshText(200))],
];

function measure(texts, count) {
  let tokens = 0;
  const start = process.cpuUsage();
  for (const text of texts) tokens += count(text);
  const used = process.cpuUsage(start);
  return { us: used.user + used.system, tokens };
}

for (const [name, make] of sets) {
  // Warm both once on a first batch (JIT, and our table for the warm sets); the cold set makes new text every round.
  const warm = make();
  for (const text of warm) if (countTokens(text) !== encoding.encode(text, [], []).length) throw new Error(`count differs on: ${text.slice(0, 60)}`);
  const ours = { us: 0, tokens: 0 };
  const theirs = { us: 0, tokens: 0 };
  for (let round = 0; round < 5; round += 1) {
    const texts = make();
    const a = measure(texts, (text) => encoding.encode(text, [], []).length);
    const b = measure(texts, (text) => countTokens(text));
    if (a.tokens !== b.tokens) throw new Error(`${name}: ${b.tokens} tokens counted, js-tiktoken says ${a.tokens}`);
    theirs.us += a.us;
    theirs.tokens += a.tokens;
    ours.us += b.us;
    ours.tokens += b.tokens;
  }
  const perK = (side) => ((1000 * side.us) / side.tokens).toFixed(1);
  console.log(`${name.padEnd(30)} countTokens ${perK(ours).padStart(6)} µs per 1k tokens, js-tiktoken encode ${perK(theirs).padStart(6)} → ${(theirs.us / ours.us).toFixed(1)}x`);
}
