/**
 * The two leaf types of the model that are neither text nor Money.
 */

/**
 * An ISO 20022 ActiveOrHistoricCurrencyAnd13DecimalAmount (a unit price, not a sum of money):
 * up to 13 decimals whatever the currency, so it cannot be Money; kept as exact decimal text.
 */
export interface CurrencyDecimal {
  readonly currency: string;
  readonly value: string;
}

/**
 * Content of an xs:any wildcard (SupplementaryData/Envlp, the AppHdr signature): the child
 * elements serialised as XML text, each carrying its own namespace declaration, so the content
 * survives a round trip unchanged in meaning.
 */
export interface AnyXml {
  readonly xml: string;
}
