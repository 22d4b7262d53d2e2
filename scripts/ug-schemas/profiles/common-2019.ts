/**
 * Rules shared by the 2019 generation of message versions (pacs.008.001.08, pacs.009.001.08,
 * pacs.004.001.09, pacs.002.001.10, camt.056.001.08, camt.029.001.09, camt.05x.001.08 and
 * head.001.001.02). ISO 20022 names its reusable components with a version number, so a type
 * name means the same content model in every one of these schemas; a rule here applies
 * wherever the type is reached.
 *
 * The shape follows the CBPR+ and EPC SEPA usage guidelines: structured parties and agents,
 * IBAN or proprietary accounts, one unstructured remittance line or structured remittance, and
 * no branches a clearing gateway neither reads nor forwards (contact details, branch data,
 * reimbursement agents, tax and garnishment remittance, supplementary data).
 */
import { DATE_TIME_WITH_ZONE_PATTERN, REFERENCE_TYPES, rules, type TypeRules } from '../profile.js';

export const COMMON_2019: TypeRules = rules({
  simple: {
    ...REFERENCE_TYPES,
    ISODateTime: {
      pattern: DATE_TIME_WITH_ZONE_PATTERN,
      why: 'Date-times carry an explicit time zone (Z or ±hh:mm): cut-offs and cycles are decided on instants.',
    },
    SettlementMethod1Code: {
      enumeration: ['INDA', 'INGA', 'CLRG'],
      why: 'The gateway settles through its own clearing (CLRG) or over accounts held with the instructed or instructing agent (INDA, INGA); cover (COVE) is a correspondent-banking method it does not offer.',
    },
  },
  complex: {
    // --- Agents ------------------------------------------------------------------------------
    BranchAndFinancialInstitutionIdentification6: { keep: '*' },
    BranchData3: { keep: '*' },
    FinancialInstitutionIdentification18: { keep: ['BICFI', 'ClrSysMmbId', 'LEI', 'Nm', 'PstlAdr', 'Othr'] },
    ClearingSystemMemberIdentification2: { keep: '*' },
    ClearingSystemIdentification2Choice: { keep: '*' },
    GenericFinancialIdentification1: { keep: '*' },
    FinancialIdentificationSchemeName1Choice: { keep: '*' },

    // --- Parties -----------------------------------------------------------------------------
    PartyIdentification135: { keep: '*' },
    Contact4: {
      keep: ['Nm', 'PhneNb', 'MobNb', 'EmailAdr'],
      why: 'Only the contact data instant-payment schemes use to address a party (mobile number, e-mail); other contact details are personal data the gateway does not carry.',
    },
    Party38Choice: { keep: '*' },
    Party40Choice: { keep: '*' },
    OrganisationIdentification29: {
      keep: '*',
      occurs: { Othr: [0, 2] },
      why: 'At most two other organisation identifiers (the BIC and LEI have their own elements).',
    },
    PersonIdentification13: { keep: '*', occurs: { Othr: [0, 2] } },
    GenericOrganisationIdentification1: { keep: '*' },
    GenericPersonIdentification1: { keep: '*' },
    OrganisationIdentificationSchemeName1Choice: { keep: '*' },
    PersonIdentificationSchemeName1Choice: { keep: '*' },
    DateAndPlaceOfBirth1: { keep: '*' },
    PostalAddress24: {
      keep: [
        'Dept',
        'SubDept',
        'StrtNm',
        'BldgNb',
        'BldgNm',
        'Flr',
        'PstBx',
        'Room',
        'PstCd',
        'TwnNm',
        'TwnLctnNm',
        'DstrctNm',
        'CtrySubDvsn',
        'Ctry',
        'AdrLine',
      ],
      occurs: { AdrLine: [0, 3] },
      why: 'Structured address elements, or up to three unstructured lines (CBPR+ hybrid address); the address type code is not used.',
    },

    // --- Accounts ----------------------------------------------------------------------------
    CashAccount38: { keep: '*' },
    AccountIdentification4Choice: { keep: '*' },
    GenericAccountIdentification1: { keep: '*' },
    AccountSchemeName1Choice: { keep: '*' },
    CashAccountType2Choice: { keep: '*' },
    ProxyAccountIdentification1: { keep: '*' },
    ProxyAccountType1Choice: { keep: '*' },

    // --- Payment type, settlement, charges ---------------------------------------------------
    PaymentTypeInformation28: {
      keep: '*',
      occurs: { SvcLvl: [0, 3] },
      why: 'At most three service levels (CBPR+).',
    },
    PaymentTypeInformation27: {
      keep: ['InstrPrty', 'ClrChanl', 'SvcLvl', 'LclInstrm', 'CtgyPurp'],
      occurs: { SvcLvl: [0, 3] },
      why: 'Credit transfers only: the direct-debit sequence type is not used.',
    },
    ServiceLevel8Choice: { keep: '*' },
    LocalInstrument2Choice: { keep: '*' },
    CategoryPurpose1Choice: { keep: '*' },
    SettlementInstruction7: {
      keep: ['SttlmMtd', 'SttlmAcct', 'ClrSys'],
      why: 'Reimbursement agents belong to cover and correspondent chains, which the gateway does not run.',
    },
    ClearingSystemIdentification3Choice: { keep: '*' },
    Charges7: { keep: '*' },
    Purpose2Choice: { keep: '*' },

    // --- Remittance ---------------------------------------------------------------------------
    RemittanceInformation16: {
      keep: '*',
      occurs: { Ustrd: [0, 1], Strd: [0, 10] },
      why: 'One unstructured line of 140 characters (EPC SEPA, CBPR+) or up to ten structured blocks.',
    },
    StructuredRemittanceInformation16: {
      keep: ['RfrdDocInf', 'RfrdDocAmt', 'CdtrRefInf', 'Invcr', 'Invcee', 'TaxRmt', 'AddtlRmtInf'],
      occurs: { RfrdDocInf: [0, 10] },
      why: 'Garnishment remittance is not carried.',
    },
    TaxInformation7: { keep: '*', occurs: { Rcrd: [0, 10] } },
    TaxParty1: { keep: '*' },
    TaxParty2: { keep: '*' },
    TaxAuthorisation1: { keep: '*' },
    TaxRecord2: { keep: '*' },
    TaxPeriod2: { keep: '*' },
    DatePeriod2: { keep: '*' },
    TaxAmount2: { keep: '*', occurs: { Dtls: [0, 10] } },
    TaxRecordDetails2: { keep: '*' },
    ReferredDocumentInformation7: {
      keep: ['Tp', 'Nb', 'RltdDt'],
      why: 'Document line details are not carried.',
    },
    ReferredDocumentType4: { keep: '*' },
    ReferredDocumentType3Choice: { keep: '*' },
    RemittanceAmount2: {
      keep: '*',
      occurs: { DscntApldAmt: [0, 5], TaxAmt: [0, 5], AdjstmntAmtAndRsn: [0, 5] },
    },
    DiscountAmountAndType1: { keep: '*' },
    DiscountAmountType1Choice: { keep: '*' },
    TaxAmountAndType1: { keep: '*' },
    TaxAmountType1Choice: { keep: '*' },
    DocumentAdjustment1: { keep: '*' },
    CreditorReferenceInformation2: { keep: '*' },
    CreditorReferenceType2: { keep: '*' },
    CreditorReferenceType1Choice: { keep: '*' },

    // --- References to an original message (R-messages) --------------------------------------
    OriginalGroupInformation29: { keep: '*' },
    DateAndDateTime2Choice: { keep: '*' },
    AmountType4Choice: { keep: '*' },
    EquivalentAmount2: { keep: '*' },
    OriginalTransactionReference28: {
      keep: [
        'IntrBkSttlmAmt',
        'Amt',
        'IntrBkSttlmDt',
        'SttlmInf',
        'PmtTpInf',
        'RmtInf',
        'UltmtDbtr',
        'Dbtr',
        'DbtrAcct',
        'DbtrAgt',
        'DbtrAgtAcct',
        'CdtrAgt',
        'CdtrAgtAcct',
        'Cdtr',
        'CdtrAcct',
        'UltmtCdtr',
        'Purp',
      ],
      why: 'Credit transfers only: collection dates, creditor scheme id, payment method and mandate data belong to direct debits.',
    },
  },
});
