import { FAILURE_CATEGORIES, type ErrorCategory } from './categories.js';
import { ExitCode } from './exit-codes.js';

interface ErrorCodeEntry {
  /** The category (or the categories, when the thrower decides which) an error with this code carries. */
  readonly category: ErrorCategory | readonly ErrorCategory[];
  /** The exit code it ends the CLI with: what its category (and stage) imply, stated for the reader. */
  readonly exitCode: ExitCode;
  readonly meaning: string;
}

/**
 * Every `code` of an AppError, the stable ids of the error JSON (docs/cli.md "Machine-readable output"). A code
 * names one meaning; the message says the particulars. test/failures/error-codes.test.ts pins each row.
 */
export const ERROR_CODES = {
  // The command line and its flags.
  USAGE: { category: 'input', exitCode: ExitCode.input, meaning: 'the command line is wrong: an unknown flag, a missing argument, flags that exclude each other' },
  OPTION_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'a flag has a value out of its range or shape' },
  INVALID_FLAG_VALUE: { category: 'input', exitCode: ExitCode.input, meaning: 'a flag of `compare`, `sweep` or `heatmap` has a value out of its range' },
  OPTION_LOCAL_ONLY: { category: 'input', exitCode: ExitCode.input, meaning: 'a local-only flag was given to a platform run' },
  SLO_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the --slo list does not parse' },
  MODEL_MISSING: { category: 'input', exitCode: ExitCode.input, meaning: 'no model: neither --model nor the body names one' },
  ENV_VAR_NOT_SET: { category: 'input', exitCode: ExitCode.input, meaning: 'the curl command uses an environment variable that is not set' },

  // The target: curl command, URL, headers, body.
  CURL_EMPTY: { category: 'input', exitCode: ExitCode.input, meaning: 'the --curl value is empty' },
  CURL_STDIN_MISSING: { category: 'input', exitCode: ExitCode.input, meaning: '--curl - was given but nothing was piped in' },
  CURL_NOT_CURL: { category: 'input', exitCode: ExitCode.input, meaning: 'the --curl value is not a curl command' },
  CURL_UNSUPPORTED_SHELL: { category: 'input', exitCode: ExitCode.input, meaning: 'the curl command is in Windows cmd or PowerShell syntax' },
  CURL_SHELL_OPERATOR: { category: 'input', exitCode: ExitCode.input, meaning: 'the curl command has a shell operator or a command substitution' },
  CURL_UNPARSEABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the curl command cannot be split into words (an unclosed quote)' },
  CURL_OPTION_MISSING_VALUE: { category: 'input', exitCode: ExitCode.input, meaning: 'a curl option that takes a value has none' },
  CURL_OPTION_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'a curl option has a value out of its range' },
  CURL_NO_URL: { category: 'input', exitCode: ExitCode.input, meaning: 'the curl command has no URL' },
  URL_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the target URL is not an http(s) URL' },
  HEADER_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'a header is not "Name: value"' },
  COOKIE_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'a cookie is not "name=value"' },
  TARGETS_FILE_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the --targets file cannot be read, does not parse, or breaks its schema' },
  BODY_FILE_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'an @file body names no file' },
  FILE_NOT_FOUND: { category: 'input', exitCode: ExitCode.input, meaning: 'an @file body cannot be read' },
  BODY_INVALID_JSON: { category: 'input', exitCode: ExitCode.input, meaning: 'the body is not valid JSON' },
  BODY_NOT_OBJECT: { category: 'input', exitCode: ExitCode.input, meaning: 'the body is JSON but not an object' },
  TARGET_NOT_LLM: { category: 'input', exitCode: ExitCode.input, meaning: 'the URL is a base URL or not an LLM API endpoint' },
  TARGET_API_UNSUPPORTED: { category: 'input', exitCode: ExitCode.input, meaning: 'the URL is an LLM API llm-loadtest does not speak' },

  // Files a run reads and writes.
  TEST_DATA_UNREADABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the --test-data file cannot be read' },
  TEST_DATA_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the --test-data file is not prompts in JSONL or a JSON array' },
  TEST_DATA_EMPTY: { category: 'input', exitCode: ExitCode.input, meaning: 'the --test-data file holds no prompts' },
  PROFILE_UNREADABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the --profile file, or a dataset it names, cannot be read' },
  PROFILE_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the --profile file is not valid YAML/JSON or breaks its schema (docs/profiles.md)' },
  TRACE_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'a line of the --trace file is not a request of the trace shape' },
  TRACE_EMPTY: { category: 'input', exitCode: ExitCode.input, meaning: 'the --trace file holds no requests' },
  OUT_DIR_HAS_RUN: { category: 'input', exitCode: ExitCode.input, meaning: 'the --out folder already holds a run' },
  OUT_DIR_UNWRITABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the --out folder cannot be created, is not a folder, or holds a link where a run file goes' },
  OUT_WRITE_FAILED: { category: 'input', exitCode: ExitCode.input, meaning: 'a file of the run could not be written (a full disk): the load stopped, complete lines kept' },
  RUN_NOT_FOUND: { category: 'input', exitCode: ExitCode.input, meaning: 'the run path given to report/compare does not exist' },
  RUN_UNREADABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the run path given to report/compare cannot be read' },
  NOT_A_RUN_DIR: { category: 'input', exitCode: ExitCode.input, meaning: 'the folder holds no results.jsonl or summary.json' },
  NO_RECORDS: { category: 'input', exitCode: ExitCode.input, meaning: 'there are no request records to report from' },
  NOT_A_SUMMARY: { category: 'input', exitCode: ExitCode.input, meaning: 'the file is not an llm-loadtest summary.json' },
  RUNS_NOT_MERGEABLE: { category: 'input', exitCode: ExitCode.input, meaning: 'the runs given to merge are not one test: fewer than two, one given twice, one without summary.json or results.jsonl, another target or model, or days apart' },
  RECORDS_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the records of results.jsonl cannot be one run (their times span more than a run can last)' },

  // The mock server.
  MOCK_OPTION_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'an option passed to startMockServer is out of its range' },
  MOCK_LISTEN_FAILED: { category: 'input', exitCode: ExitCode.input, meaning: 'the mock server cannot listen on the host and port' },

  // `serve`: the HTTP service.
  SERVE_TOKEN_MISSING: { category: 'input', exitCode: ExitCode.input, meaning: 'serve: LLM_LOADTEST_SERVE_TOKEN is not set, or shorter than 16 characters' },
  SERVE_BIND_REFUSED: { category: 'input', exitCode: ExitCode.input, meaning: 'serve: --host is not a loopback address and --allow-remote was not given' },
  SERVE_LISTEN_FAILED: { category: 'input', exitCode: ExitCode.input, meaning: 'serve: the service cannot listen on the host and port' },

  // The target's pre-check: the category says why.
  PRECHECK_FAILED: { category: FAILURE_CATEGORIES, exitCode: ExitCode.precheck, meaning: 'the pre-check request to the target failed' },

  // Platform mode: what the user gave.
  PLATFORM_URL_MISSING: { category: 'input', exitCode: ExitCode.input, meaning: 'platform mode without a platform URL' },
  PLATFORM_URL_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the platform URL is not an http(s) URL' },
  TASK_ID_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the task ID is empty' },
  PLATFORM_LIMIT: { category: 'input', exitCode: ExitCode.input, meaning: 'a value is out of the range the platform accepts' },
  PLATFORM_STEP_MISSING: { category: 'input', exitCode: ExitCode.input, meaning: 'a stepped platform task without all five step values' },
  PLATFORM_API_UNSUPPORTED: { category: 'input', exitCode: ExitCode.input, meaning: 'the platform does not run this API (it runs openai-chat and anthropic-messages): run it locally' },
  PLATFORM_PAYLOAD_INVALID: { category: 'input', exitCode: ExitCode.input, meaning: 'the task payload would not pass the platform\'s schema' },

  // Platform mode: what the platform did.
  PLATFORM_UNREACHABLE: { category: 'platform_unreachable', exitCode: ExitCode.platform, meaning: 'the platform cannot be reached' },
  PLATFORM_TOKEN_MISSING: { category: 'platform_auth', exitCode: ExitCode.platform, meaning: 'the platform wants a token and LMETERX_AUTH_TOKEN is not set' },
  PLATFORM_AUTH: { category: 'platform_auth', exitCode: ExitCode.platform, meaning: 'the platform refused the token (401)' },
  PLATFORM_FORBIDDEN: { category: 'platform_auth', exitCode: ExitCode.platform, meaning: 'the platform does not allow the token on this path (403)' },
  PLATFORM_REJECTED: { category: 'platform_rejected', exitCode: ExitCode.platform, meaning: 'the platform rejected the task and named the fields' },
  PLATFORM_TASK_NOT_FOUND: { category: 'platform_rejected', exitCode: ExitCode.platform, meaning: 'the platform has no task with this ID' },
  PLATFORM_SERVER_ERROR: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the platform answered 5xx' },
  PLATFORM_HTTP_ERROR: { category: ['platform_rejected', 'platform_error'], exitCode: ExitCode.platform, meaning: 'the platform answered another HTTP error (4xx rejected, else error)' },
  PLATFORM_REDIRECT: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the platform redirected to another origin (or in a loop): nothing was sent there' },
  PLATFORM_BAD_RESPONSE: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the platform answered with a body of the wrong shape' },
  PLATFORM_TASK_FAILED: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the task failed on the platform' },
  PLATFORM_TASK_STOPPED: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the task was stopped before it finished' },
  PLATFORM_STOP_FAILED: { category: 'platform_error', exitCode: ExitCode.platform, meaning: 'the platform did not stop the task' },

  // The run itself.
  INTERRUPTED: { category: 'interrupted', exitCode: ExitCode.interrupted, meaning: 'the user stopped the pre-check of a local run, or stopped following a platform task' },
  WORKERS_NEED_BUILD: { category: 'internal', exitCode: ExitCode.internal, meaning: '--workers needs the built package' },
  WORKER_FAILED: { category: 'internal', exitCode: ExitCode.internal, meaning: 'a worker thread failed' },
  REPORT_WRITE_FAILED: { category: 'internal', exitCode: ExitCode.internal, meaning: 'the reports of a finished run could not be written' },
  HISTOGRAM_DECODE_FAILED: { category: 'internal', exitCode: ExitCode.internal, meaning: 'an encoded histogram does not decode' },
  UNKNOWN_API_TYPE: { category: 'internal', exitCode: ExitCode.internal, meaning: 'no protocol adapter for an API id' },
  ADAPTER_DUPLICATE: { category: 'internal', exitCode: ExitCode.internal, meaning: 'a second adapter registered for an API id' },
  INTERNAL: { category: 'internal', exitCode: ExitCode.internal, meaning: 'an error that is not an AppError: a bug' },
} as const satisfies Readonly<Record<string, ErrorCodeEntry>>;

/** A stable error code: a typo is a type error. */
export type ErrorCode = keyof typeof ERROR_CODES;

type Members<T> = T extends readonly (infer Member)[] ? Member : T;

/** The categories an error with this code may carry. */
export type CategoryOf<Code extends ErrorCode> = Members<(typeof ERROR_CODES)[Code]['category']>;

/** The codes of bad input (category `input`, exit 2): the ones `inputError` takes. */
export type InputErrorCode = { [Code in ErrorCode]: CategoryOf<Code> extends 'input' ? Code : never }[ErrorCode];
