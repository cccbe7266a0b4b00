import { createRequire } from 'node:module';

/** The package's own name and version, read once from package.json (src/ and dist/ sit at the same depth). */
const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const TOOL_NAME: string = pkg.name;
export const TOOL_VERSION: string = pkg.version;
