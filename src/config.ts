import { z } from 'zod';

/** A connection's source names the IdP ("okta", "azure-ad", ...): lowercase, as in scimSource. */
export const SOURCE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Shorter secrets are guessable; the CLI generates 43-character ones. */
export const MIN_SECRET_LENGTH = 16;

const secret = (what: string) => z.string().min(MIN_SECRET_LENGTH, `${what} must be at least ${MIN_SECRET_LENGTH} characters`);

const connectionsSchema = z.string().transform((raw, ctx) => {
  const entries: { source: string; token: string }[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const source = colon < 0 ? part : part.slice(0, colon);
    const token = colon < 0 ? '' : part.slice(colon + 1);
    if (!SOURCE_PATTERN.test(source)) {
      ctx.addIssue({ code: 'custom', message: `"${source}" is not a source name (lowercase letters, digits, "-")` });
      return z.NEVER;
    }
    const checked = secret(`the token for "${source}"`).safeParse(token);
    if (!checked.success) {
      ctx.addIssue({ code: 'custom', message: checked.error.issues[0]!.message });
      return z.NEVER;
    }
    if (entries.some((e) => e.source === source)) {
      ctx.addIssue({ code: 'custom', message: `"${source}" is given twice` });
      return z.NEVER;
    }
    entries.push({ source, token });
  }
  return entries;
});

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const emailList = z.string().transform((raw) =>
  raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean),
);

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BRIDGE_CONNECTIONS: connectionsSchema.default([]),
    BRIDGE_ADMIN_KEY: secret('BRIDGE_ADMIN_KEY').optional(),
    /** The externally visible origin (https://scim.example.com) used in meta.location behind a proxy. */
    PUBLIC_URL: z.url().optional(),
    /** The application the default organization provisions into (see README "Targets"). */
    TARGET: z.enum(['embedded', 'langwatch', 'langsmith']).default('embedded'),
    TARGET_URL: z.url().optional(),
    TARGET_API_KEY: z
      .string()
      .min(8, 'must be at least 8 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it goes into an HTTP header)')
      .optional(),
    TARGET_ORGANIZATION_ID: z.string().min(1).optional(),
    /** LangWatch: what a person deleted in the IdP becomes in the application. */
    TARGET_DELETE_MODE: z.enum(['remove', 'disable']).default('remove'),
    /**
     * LangWatch: people and groups over LangWatch's own SCIM server (`scim`, needs the Enterprise
     * plan; people are added at once and groups are locked in LangWatch too), or over REST invites
     * that wait for the person to accept (`invite`, any plan). See docs/targets.md.
     */
    TARGET_LANGWATCH_MODE: z.enum(['scim', 'invite']).default('scim'),
    /** LangWatch SCIM mode: a SCIM token to use instead of minting one with the API key. */
    TARGET_SCIM_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it goes into an HTTP header)')
      .optional(),
    /**
     * LangWatch: how a suspended person is suspended. `organization` (default): the
     * organization-scoped REST `disabled` flag; `account`: SCIM `active:false`, which locks the
     * person's whole LangWatch account, in every organization of a shared instance.
     */
    TARGET_SUSPEND: z.enum(['organization', 'account']).default('organization'),
    /** LangWatch invite mode: every invite must name a team (TARGETS.md §A3); people join it with this role. */
    TARGET_INVITE_TEAM_ID: z.string().min(1).optional(),
    TARGET_INVITE_TEAM_ROLE: z.enum(['ADMIN', 'MEMBER', 'VIEWER']).default('MEMBER'),
    /** LangSmith: groups map to workspaces by LangSmith's naming convention or by role bindings. */
    TARGET_GROUP_MAPPING: z.enum(['convention', 'bindings']).default('convention'),
    TARGET_GROUP_PREFIX: z.string().default(''),
    TARGET_CREATE_WORKSPACES: bool.default(false),
    /** Break-glass accounts that sync never disables or removes. */
    SYNC_PROTECTED_EMAILS: emailList.default([]),
    /** Removals beyond this share of the members (and at least SYNC_MASS_REMOVAL_MIN people) wait for approval. */
    SYNC_MASS_REMOVAL_SHARE: z.coerce.number().min(0).max(1).default(0.2),
    SYNC_MASS_REMOVAL_MIN: z.coerce.number().int().min(1).default(10),
    /** Sync-log retention: entries (and the deliveries they link) older than this many days go. */
    SYNC_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
    /** ... and beyond this many entries, the oldest go. */
    SYNC_LOG_MAX_ENTRIES: z.coerce.number().int().min(1000).default(10_000_000),
    /**
     * The sync backlog (pending and retrying deliveries): above this many marks, or when its
     * oldest is older than this many seconds, `doctor` fails; /readyz only warns (from a tenth of
     * the count and a sixth of the age), since a backlog never stops the bridge taking IdP traffic.
     * Defaults (10,000 and 1,800) live in src/health/readiness.ts.
     */
    READY_BACKLOG_MAX: z.coerce.number().int().min(1).optional(),
    READY_BACKLOG_MAX_AGE_SECONDS: z.coerce.number().int().min(1).optional(),
    /** SCIM rate limit per connection: a token bucket refilled at this many requests a second (0 turns it off) ... */
    SCIM_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(100),
    /** ... holding at most this many, so a burst of this size passes at once. */
    SCIM_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(200),
    /** Slow clients: a request's headers must arrive within this, the whole request within the next. */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    /** How long an idle keep-alive connection stays open. */
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  })
  .superRefine((c, ctx) => {
    if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' });
    }
    if (c.TARGET === 'embedded') return;
    for (const name of ['TARGET_URL', 'TARGET_API_KEY'] as const) {
      if (!c[name]) ctx.addIssue({ code: 'custom', path: [name], message: `required when TARGET=${c.TARGET}` });
    }
    if (c.TARGET === 'langwatch' && c.TARGET_LANGWATCH_MODE === 'invite' && !c.TARGET_INVITE_TEAM_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['TARGET_INVITE_TEAM_ID'],
        message: 'required when TARGET_LANGWATCH_MODE=invite (LangWatch refuses an invite that names no team)',
      });
    }
    if (c.TARGET === 'langwatch' && c.TARGET_LANGWATCH_MODE === 'invite' && c.TARGET_SUSPEND === 'account') {
      ctx.addIssue({
        code: 'custom',
        path: ['TARGET_SUSPEND'],
        message: 'account suspends over SCIM, which TARGET_LANGWATCH_MODE=invite does not use; leave it at organization',
      });
    }
    if (c.TARGET === 'langsmith' && !c.TARGET_ORGANIZATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['TARGET_ORGANIZATION_ID'], message: 'required when TARGET=langsmith' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment once at start. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Secrets never appear in the message: zod messages above name the variable, not its value.
    throw new ConfigError(`invalid configuration: ${issue.path.join('.') || 'environment'}: ${issue.message}`);
  }
  return parsed.data;
}
