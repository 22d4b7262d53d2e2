/**
 * The shape of the generated descriptor table (generated/descriptors.ts): each ISO 20022 message
 * component in XSD terms. The generic reader and writer walk it, so element order, occurrence
 * and the kind of every leaf come from one place that was generated from the official schemas.
 */

/** [XML tag, type name, minOccurs, maxOccurs]; maxOccurs -1 means unbounded. */
export type FieldDesc = readonly [tag: string, type: string, min: number, max: number];

export type TypeDesc =
  /** xs:sequence (fields in schema order) or xs:choice (exactly one field present). */
  | { readonly k: 'seq' | 'choice'; readonly f: readonly FieldDesc[] }
  /** Text restricted by length, pattern or enumeration (identifiers, codes, free text). */
  | {
      readonly k: 'str';
      readonly minLen?: number;
      readonly maxLen?: number;
      readonly pattern?: string;
      readonly enum?: readonly string[];
    }
  | { readonly k: 'bool' | 'date' | 'dateTime' | 'time' | 'yearMonth' | 'year' }
  /** A decimal that is not money (rates, quantities, counts): kept as its text. */
  | { readonly k: 'dec'; readonly frac?: number; readonly total?: number; readonly minIncl?: string }
  /** An amount with a Ccy attribute: Money ('amt') or, for 13-decimal prices, CurrencyDecimal. */
  | {
      readonly k: 'amt' | 'amt13';
      readonly frac?: number;
      readonly total?: number;
      readonly minIncl?: string;
      readonly ccy: string;
    }
  /** xs:any (supplementary data, signatures): kept as raw XML. */
  | { readonly k: 'any'; readonly ns: string };

export function isRepeated(f: FieldDesc): boolean {
  return f[3] === -1 || f[3] > 1;
}
