/**
 * The vocabulary of a usage-guideline profile: which parts of an official ISO 20022 message
 * definition the gateway keeps and how it narrows them. A profile only ever narrows; the
 * generator (restrict.ts) refuses anything that would widen the official schema.
 */
import type { MaxOccurs } from './xsd-model.js';

/** Rule for one complex type of the usage guideline. */
export interface ComplexRule {
  /** The official type this one restricts; defaults to a type of the same name. */
  readonly restricts?: string;
  /** Child elements kept; the generator emits them in the official order. `'*'` keeps all. */
  readonly keep: readonly string[] | '*';
  /** Narrowed cardinalities, `[minOccurs, maxOccurs]`, each within the official bounds. */
  readonly occurs?: Readonly<Record<string, readonly [number, MaxOccurs]>>;
  /** Child element → usage-guideline type, when the child uses a narrowed variant. */
  readonly types?: Readonly<Record<string, string>>;
  /** Why the type is narrowed; emitted as xs:documentation. */
  readonly why?: string;
}

/** Rule for one simple type: facets that replace (narrow) the official ones. */
export interface SimpleRule {
  readonly restricts?: string;
  /** Subset of the official enumeration. */
  readonly enumeration?: readonly string[];
  /** Added pattern; allowed only where the official type has none. */
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly totalDigits?: number;
  readonly fractionDigits?: number;
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
  readonly why?: string;
}

export interface TypeRules {
  readonly complex: Readonly<Record<string, ComplexRule>>;
  readonly simple: Readonly<Record<string, SimpleRule>>;
}

export interface MessageProfile extends TypeRules {
  /** Message version, e.g. `pacs.008.001.08`; also the official schema's file name. */
  readonly id: string;
  /** One paragraph: what the gateway does with this message. */
  readonly purpose: string;
  /**
   * Character-set pattern added to every free-text type (an official `xs:string` restriction
   * with only length facets), unless a simple rule says otherwise. `undefined`: none.
   */
  readonly textPattern?: string;
}

/** Merges rule sets; later sets override earlier ones type by type. */
export function rules(...sets: readonly Partial<TypeRules>[]): TypeRules {
  const complex: Record<string, ComplexRule> = {};
  const simple: Record<string, SimpleRule> = {};
  for (const s of sets) {
    Object.assign(complex, s.complex ?? {});
    Object.assign(simple, s.simple ?? {});
  }
  return { complex, simple };
}

// ---------------------------------------------------------------------------------------------
// Character sets (XSD regular expressions, XML Schema Part 2 Appendix F)

/** Escapes a literal character for use inside an XSD character class. */
function classChar(c: string): string {
  return /[\\[\]\-^{}|.?*+()]/.test(c) ? `\\${c}` : c;
}

/**
 * SWIFT/EPC punctuation admitted in text: the SWIFT FIN-X set `/ - ? : ( ) . , ' +` plus the
 * CBPR+ extended (CPMI) additions except `<` and `>` (they would need escaping in every XML
 * writer and carry no business meaning in payment text).
 */
const PUNCTUATION = '/-?:().,\'+!#$%&*=^_`{|}~";@[\\]';

/**
 * Accented Latin letters: Latin-1 Supplement letters U+00C0–U+00FF without the multiplication
 * (U+00D7) and division (U+00F7) signs, and Latin Extended-A U+0100–U+017F. Non-letter Latin-1
 * symbols (currency signs, ¿, ¡, NBSP, …) are deliberately excluded.
 */
const ACCENTED = '\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F';

function textClass(exclude = ''): string {
  const punct = [...PUNCTUATION]
    .filter((c) => !exclude.includes(c))
    .map(classChar)
    .join('');
  return `[a-zA-Z0-9 ${ACCENTED}${punct}]`;
}

/**
 * Free text (names, addresses, remittance, narratives): Latin letters including accented Latin,
 * digits, space and the punctuation above. No control characters — CR, LF and TAB included
 * (CBPR+ forbids control characters in text; a multi-line name is a mapping error).
 */
export const TEXT_PATTERN = `${textClass()}+`;

/**
 * References the sender assigns (MsgId, InstrId, EndToEndId, TxId, …): the text set, but never
 * starting or ending with '/' and never containing '//' — the EPC SEPA rulebooks' rule for
 * references, also CBPR+ rule R38 for InstrId.
 */
export const REFERENCE_PATTERN = `${textClass('/')}+(/${textClass('/')}+)*`;

/**
 * ISODateTime with an explicit time zone: `Z` or ±hh:mm. A local time without an offset is
 * ambiguous against cut-off times and settlement cycles, so the gateway refuses it (CBPR+
 * likewise requires the offset on CreDtTm and settlement time indications).
 */
export const DATE_TIME_WITH_ZONE_PATTERN = '.+(Z|[+\\-][0-9]{2}:[0-9]{2})';

/** Simple-type rules every 2019-generation profile shares. */
export const REFERENCE_TYPES: Readonly<Record<string, SimpleRule>> = {
  Max35Text_Reference: {
    restricts: 'Max35Text',
    pattern: REFERENCE_PATTERN,
    why: 'ISO Max35Text used as a reference the sender assigns: the text character set, not starting or ending with "/" and without "//" (EPC rulebook; CBPR+ R38).',
  },
};
