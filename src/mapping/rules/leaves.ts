/**
 * Rules on kinds of values wherever they occur in a message (L2/L3): every IBAN, every BIC,
 * every UETR, every free text. Written once against the descriptor walk.
 */
import { countrySpecs } from 'ibantools';
import { isBic, isIban, isUetr } from '../../domain/index.js';
import { pathText } from '../model/path.js';
import { walkLeaves } from '../model/walk.js';
import { finding, type Finding } from './findings.js';
import type { RuleContext } from './profile.js';

const BIC_TYPES = new Set([
  'BICFIDec2014Identifier',
  'AnyBICDec2014Identifier',
  'BICIdentifier',
  'AnyBICIdentifier',
]);

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** ISO 9362: the BIC's 5th–6th characters are an ISO 3166-1 alpha-2 country code. */
export function isBicWithCountry(s: string): boolean {
  return isBic(s) && (countrySpecs as Record<string, unknown>)[s.slice(4, 6)] !== undefined;
}

function ibanRule(path: string): 'account.iban.debtor' | 'account.iban.creditor' | 'account.iban' {
  if (/\/DbtrAcct\/Id\/IBAN$/.test(path)) return 'account.iban.debtor';
  if (/\/CdtrAcct\/Id\/IBAN$/.test(path)) return 'account.iban.creditor';
  return 'account.iban';
}

/** Applies the value rules to the subtree `value` (ISO type `typeName`) at `path`. */
export function leafFindings(
  typeName: string,
  value: unknown,
  path: string,
  ctx: RuleContext,
  txIndex: number | null,
  out: Finding[],
): void {
  const text = ctx.profile.text;
  walkLeaves(typeName, value, path, (type, desc, tag, v, at) => {
    if (typeof v !== 'string') return;
    if (type === 'IBAN2007Identifier') {
      // ISO 13616-1: country-specific length and structure, then MOD-97-10 check digits.
      if (!isIban(v)) {
        const p = pathText(at);
        out.push(finding(ibanRule(p), p, `${clip(v)} is not a valid IBAN`, txIndex));
      }
    } else if (BIC_TYPES.has(type)) {
      if (!isBicWithCountry(v))
        out.push(finding('agent.bic', pathText(at), `${clip(v)} is not a valid BIC (ISO 9362)`, txIndex));
    } else if (type === 'UUIDv4Identifier') {
      if (!isUetr(v))
        out.push(finding('uetr.format', pathText(at), `${clip(v)} is not a lower-case UUID v4`, txIndex));
    } else if (text && desc.k === 'str' && !desc.pattern && !desc.enum && !text.test(v)) {
      const bad = [...v].find((c) => !text.test(c)) ?? '';
      const code = bad.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '';
      out.push(
        finding(
          'profile.charset',
          pathText(at),
          `${tag} holds U+${code}, outside the gateway character set`,
          txIndex,
        ),
      );
    }
  });
}
