import { Option, type Command } from 'commander';
import { apiTypeIds } from '../protocol/registry.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The flags of `run`, as commander wiring: validated and turned into a plan by src/input/plan.ts. */
export function addRunOptions(command: Command): Command {
  return command
    .option('--url <url>', 'target endpoint, e.g. https://api.openai.com/v1/chat/completions (no scheme: http://)')
    .option('--curl <command>', "a curl command to import ('-' reads it from stdin)")
    .option('--local', 'force the bundled local engine')
    .option('--platform <url>', 'LMeterX platform base URL (default: LMETERX_BASE_URL)')
    .option('-H, --header <header>', 'request header "Name: value" (repeatable)', collect)
    .option('--cookie <cookie>', 'cookie "name=value" (repeatable)', collect)
    .option('--body <json>', 'request body: JSON text or @file (empty: a minimal body for the API)')
    .option('--model <name>', 'model name (default: from the body; Azure: the deployment)')
    .option('--stream', 'stream the response (default: from the body, else on)')
    .option('--no-stream', 'do not stream the response')
    .option('--concurrent-users <n>', 'concurrent users (default 50; platform: 1..5000)')
    .option('--duration <t>', 'load duration: seconds or 90s, 5m, 1h (default 300)')
    .option('--spawn-rate <n>', 'users started per second (default 30; platform: 1..1000)')
    .option('--name <name>', 'task name (default: host + path, 80 chars)')
    .option('--test-data <v>', '"" = the given body every time, "default" = built-in prompts, or a JSONL/JSON file')
    .option('--warmup <s>', 'warmup seconds, sent but not measured (default: platform 120, local 0)')
    .addOption(new Option('--load-mode <mode>', 'fixed or stepped (default fixed)').choices(['fixed', 'stepped']))
    .option('--step-start-users <n>', 'stepped: users at the start')
    .option('--step-increment <n>', 'stepped: users added per step')
    .option('--step-duration <t>', 'stepped: seconds per step')
    .option('--step-max-users <n>', 'stepped: maximum users')
    .option('--step-sustain <t>', 'stepped: seconds at the maximum')
    .addOption(new Option('--api <type>', 'API type (default: classified from path, headers, body)').choices(apiTypeIds()))
    .option('--rate <rps>', 'local: open loop, requests per second (users then cap concurrency)')
    .addOption(new Option('--arrival <kind>', 'open-loop arrivals (default poisson)').choices(['poisson', 'constant']))
    .option('--max-requests <n>', 'local: stop starting requests after n measured requests')
    .option('--burst <n>', 'local: after the pre-check, n users send one request each, all at once; a line per request, then min/max/mean/median/stddev/p90/p99')
    .option('--rounds <n>', 'local, with --burst: repeat the burst n times (default 1)')
    .option('--pause <s>', 'local, with --burst: seconds between rounds (default 0)')
    .option('--workers <n>', 'local worker threads (default 1)')
    .option('--timeout <s>', 'local: per-request timeout in seconds (default 600); the pre-check\'s limit too (default 120)')
    .option('--idle-timeout <s>', 'local: fail a request when its stream stalls this long (default 60)')
    .option('--insecure', 'local: accept self-signed TLS certificates')
    .option('--out <dir>', 'local: run files folder (default ./llm-loadtest-runs/<name>-<UTC stamp>)')
    .option('--json', 'machine-readable result on stdout; progress stays on stderr')
    .option('--dry-run', 'parse, classify and print the plan; no network at all')
    .option('--skip-precheck', 'skip the one-request pre-check')
    .option('--success-threshold <0..1>', 'minimum success rate, else exit 5 (default 0.9; platform: with --wait)')
    .option('--slo <checks>', 'e.g. "ttft_p95<=2000,e2e_p99<=30000" (ms); each failed check: exit 5 (platform: with --wait)')
    .option('--server-metrics <url>', "local: scrape the server's Prometheus metrics (e.g. http://host:8000/metrics) during the run (repeatable)", collect)
    .option('--server-metrics-interval <s>', 'local: seconds between server-metrics scrapes (default 5)')
    .option('--wait', 'platform mode: follow the task to its end and print its results (a local run always does)')
    .option('--no-progress', 'no live progress lines')
    .option('--quiet', 'nothing but errors and the result')
    .option('--no-color', 'no colours (also NO_COLOR)');
}
