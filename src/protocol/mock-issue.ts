/** A zod issue of a mock request body, and whether it is a missing top-level field. */
export interface Issue {
  path: PropertyKey[];
  message: string;
}

export function isMissing(issue: Issue, json: unknown): boolean {
  const key = issue.path[0];
  return issue.path.length === 1 && typeof json === 'object' && json !== null && !(String(key) in json);
}
