import { z } from 'zod';

/**
 * The targets of a comparison run as a file or a profile section says them (docs/cli.md "Several targets"):
 * standalone, so a profile file can embed `targetListSchema` as its own `targets` section.
 */

/** A target's name: a folder name under targets/ and a column of the delta table. */
export const TARGET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

const targetEntryShape = {
  name: z.string().regex(TARGET_NAME_PATTERN, 'a name of letters, digits, ".", "_" or "-" (at most 40, no leading dot or dash)'),
  url: z.string().min(1, 'the endpoint URL, e.g. http://127.0.0.1:4000/v1/chat/completions'),
  /** `{Name: value}` or a list of `"Name: value"` lines. */
  headers: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
  model: z.string().min(1).optional(),
  api: z.string().min(1).optional(),
  /** The API key, sent in the API's own key header (Authorization: Bearer, x-api-key...). */
  key: z.string().min(1).optional(),
  /** The name of an environment variable holding the key (keeps it out of the file). */
  keyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
};

/** The fields a target entry allows (for "unknown field; allowed: ..."). */
export const TARGET_ENTRY_KEYS: readonly string[] = Object.keys(targetEntryShape);

export const targetEntrySchema = z
  .object(targetEntryShape)
  .strict()
  .refine((entry) => entry.key === undefined || entry.keyEnv === undefined, { message: 'give key or keyEnv, not both', path: ['key'] });

export type TargetEntry = z.infer<typeof targetEntrySchema>;

export const targetListSchema = z
  .array(targetEntrySchema)
  .min(2, 'at least two targets (one target is a plain run: use --url)')
  .max(16, 'at most 16 targets')
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', message: `the name "${entry.name}" is used twice`, path: [index, 'name'] });
      seen.add(entry.name);
    });
  });

/** A `--targets` file: the list, and optionally the baseline and the rounds. */
export const targetsFileSchema = z
  .object({
    targets: targetListSchema,
    baseline: z.string().min(1).optional(),
    rounds: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export type TargetsFile = z.infer<typeof targetsFileSchema>;
