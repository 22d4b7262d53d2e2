/**
 * Logging: pino, JSON lines. Shells log through child loggers that carry `module`
 * (`logger.child({ module: 'netting' })`); pure code returns what the shell logs.
 *
 * Redaction: IBANs, party names and raw XML never reach a log line. Known fields are redacted
 * by path (pino's fast redaction), and every string value is scrubbed of IBAN-looking tokens by
 * a formatter, so an IBAN inside a free-text message is caught too.
 */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'iban',
  '*.iban',
  'IBAN',
  '*.IBAN',
  'name',
  '*.name',
  'Nm',
  '*.Nm',
  'debtorName',
  'creditorName',
  '*.debtorName',
  '*.creditorName',
  'xml',
  '*.xml',
  'rawXml',
  '*.rawXml',
  'body',
  '*.body',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'apiKey',
  '*.apiKey',
];

/** ISO 13616 IBAN shape: 2 letters, 2 check digits, 11–30 alphanumerics (optionally grouped by 4). */
const IBAN_TOKEN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;

export function scrubIbans(s: string): string {
  return s.replace(IBAN_TOKEN, (m) => `${m.slice(0, 4)}…[IBAN]`);
}

function scrubDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubIbans(v);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubDeep(x, depth + 1);
  return out;
}

export function createLogger(
  opts: { level?: string; destination?: pino.DestinationStream; name?: string } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? 'isoclear',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { log: (obj) => scrubDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubIbans(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

export type { Logger };
