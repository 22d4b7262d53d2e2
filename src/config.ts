/**
 * Configuration: read from the environment once at start, validated with zod, frozen. The first
 * bad value stops the process with a message naming the variable, the value's problem and the
 * expected form. Every limit is a named setting with its unit in the name (…Max, …Ms, …Bytes).
 *
 * SETTINGS is the single source of truth: the README's configuration table is generated from it
 * (`isoclear config --markdown`) and a test checks the two agree.
 */
import { z } from 'zod';

interface Setting<T> {
  env: string;
  schema: z.ZodType<T>;
  default: string | undefined;
  description: string;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .refine((s) => protocols.some((p) => s.startsWith(p)), `must start with ${protocols.join(' or ')}`)
    .optional();

function setting<T>(
  env: string,
  schema: z.ZodType<T>,
  dflt: string | undefined,
  description: string,
): Setting<T> {
  return { env, schema, default: dflt, description };
}

export const SETTINGS = {
  databaseUrl: setting(
    'DATABASE_URL',
    optionalUrl(['postgres://', 'postgresql://']),
    undefined,
    'PostgreSQL connection URL. Unset: the embedded PGlite database (not for production).',
  ),
  dataDir: setting(
    'ISOCLEAR_DATA_DIR',
    z.string().min(1).optional(),
    undefined,
    'Directory of the embedded PGlite database when DATABASE_URL is unset (unset: in memory).',
  ),
  dbSchema: setting('DB_SCHEMA', z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/), 'public', 'PostgreSQL schema.'),
  dbPoolSizeMax: setting('DB_POOL_SIZE_MAX', int(1, 200), '10', 'Connections in the PostgreSQL pool.'),
  dbStatementTimeoutMs: setting(
    'DB_STATEMENT_TIMEOUT_MS',
    int(100, 3_600_000),
    '30000',
    'Statement timeout.',
  ),
  amqpUrl: setting(
    'AMQP_URL',
    optionalUrl(['amqp://', 'amqps://']),
    undefined,
    'RabbitMQ URL. Unset: the in-process bus (not for production).',
  ),
  amqpPrefix: setting(
    'AMQP_PREFIX',
    z.string().regex(/^[a-z][a-z0-9.-]{0,40}$/),
    'isoclear',
    'Prefix of every exchange and queue name.',
  ),
  queuePrefetchMax: setting(
    'QUEUE_PREFETCH_MAX',
    int(1, 10_000),
    '100',
    'Unacknowledged messages per consumer.',
  ),
  retryCountMax: setting('RETRY_COUNT_MAX', int(0, 100), '5', 'Handler attempts before a message is parked.'),
  outboxBatchSizeMax: setting(
    'OUTBOX_BATCH_SIZE_MAX',
    int(1, 10_000),
    '500',
    'Outbox rows published per batch.',
  ),
  outboxPollIntervalMs: setting(
    'OUTBOX_POLL_INTERVAL_MS',
    int(1, 60_000),
    '50',
    'Outbox relay idle poll interval.',
  ),
  host: setting('HOST', z.string().min(1), '127.0.0.1', 'Address the REST API listens on.'),
  port: setting('PORT', int(0, 65_535), '8080', 'Port the REST API listens on.'),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'pino log level.',
  ),
  messageBytesMax: setting(
    'MESSAGE_BYTES_MAX',
    int(1_024, 1_073_741_824),
    '104857600',
    'Largest inbound message.',
  ),
  xmlDepthMax: setting('XML_DEPTH_MAX', int(8, 1_000), '64', 'Deepest element nesting accepted.'),
  xmlAttributesPerElementMax: setting(
    'XML_ATTRIBUTES_PER_ELEMENT_MAX',
    int(1, 1_000),
    '16',
    'Attributes per element.',
  ),
  xmlTextLengthMax: setting(
    'XML_TEXT_LENGTH_MAX',
    int(64, 10_000_000),
    '100000',
    'Longest text node or attribute.',
  ),
  xmlElementCountMax: setting(
    'XML_ELEMENT_COUNT_MAX',
    int(16, 1_000_000_000),
    '20000000',
    'Elements per message.',
  ),
  xmlNameLengthMax: setting(
    'XML_NAME_LENGTH_MAX',
    int(8, 10_000),
    '256',
    'Longest element or attribute name.',
  ),
  xmlTreeBytesMax: setting(
    'XML_TREE_BYTES_MAX',
    int(1_024, 1_073_741_824),
    '5242880',
    'Largest message read as a tree; larger files are read by the streaming reader.',
  ),
  xsdSchemaDir: setting(
    'XSD_SCHEMA_DIR',
    z.string().min(1),
    'schemas/iso20022',
    'The gateway usage-guideline XSDs.',
  ),
  xsdXercesTimeLimitMs: setting(
    'XSD_XERCES_TIME_LIMIT_MS',
    int(1_000, 600_000),
    '30000',
    'Time limit of one Xerces (JVM) validation.',
  ),
  xsdValidator: setting(
    'XSD_VALIDATOR',
    z.enum(['libxml2', 'xerces']),
    'libxml2',
    'XSD validator: libxml2 (wasm, in-process) or xerces (JVM per call; a second opinion only).',
  ),
  ledgerBatchSizeMax: setting(
    'LEDGER_BATCH_SIZE_MAX',
    int(1, 100_000),
    '1000',
    'Commands per ledger writer batch.',
  ),
  nettingTimeLimitMs: setting(
    'NETTING_TIME_LIMIT_MS',
    int(10, 600_000),
    '5000',
    'Optimiser time limit per cycle.',
  ),
  apiKeysFile: setting(
    'API_KEYS_FILE',
    z.string().min(1).optional(),
    undefined,
    'JSON file of API principals with hashed keys (see docs/operations.md).',
  ),
} as const;

type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: z.infer<Settings[K]['schema']> };

export class ConfigError extends Error {
  readonly code = 'ISOCLR_ERR_CONFIG';
}

/** Validates `env`; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS) as Array<[string, Setting<unknown>]>) {
    const raw = env[s.env] === '' ? undefined : env[s.env];
    const value = raw ?? s.default;
    const parsed = s.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]?.message ?? 'invalid';
      const shown = s.env.includes('URL') ? '(value hidden)' : JSON.stringify(raw);
      throw new ConfigError(`configuration: ${s.env}=${shown} is invalid: ${issue} (${s.description})`);
    }
    out[key] = parsed.data;
  }
  return Object.freeze(out) as Config;
}

/** For main entry points: the config, or a clear message on stderr and exit code 2. */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`isoclear: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** The README configuration table, generated from SETTINGS. */
export function configTableMarkdown(): string {
  const rows = Object.values(SETTINGS).map(
    (s) =>
      `| \`${s.env}\` | ${s.default === undefined ? '(unset)' : `\`${s.default}\``} | ${s.description} |`,
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
