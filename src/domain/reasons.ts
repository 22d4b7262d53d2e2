/**
 * The ISO 20022 ExternalStatusReason1Code values the gateway uses, with their official names
 * and definitions (ISO 20022 External Code Sets, ExternalStatusReason1Code). A rejection may
 * carry only a code from this table, so every pacs.002 the gateway sends is explainable.
 */
export const REASON_CODES = {
  AB03: ['AbortedSettlementTimeout', 'Settlement aborted due to time-out.'],
  AC01: ['IncorrectAccountNumber', 'Format of the account number specified is not correct.'],
  AC02: ['InvalidDebtorAccountNumber', 'Debtor account number invalid or missing.'],
  AC03: ['InvalidCreditorAccountNumber', 'Wrong IBAN in SCT.'],
  AG01: ['TransactionForbidden', 'Transaction forbidden on this type of account (formerly NoAgreement).'],
  AG03: ['TransactionNotSupported', 'Transaction type not supported/authorized on this account.'],
  AGNT: ['IncorrectAgent', 'Agent in the payment workflow is incorrect.'],
  AM01: ['ZeroAmount', 'Specified message amount is equal to zero.'],
  AM02: ['NotAllowedAmount', 'Specific transaction/message amount is greater than allowed maximum.'],
  AM03: [
    'NotAllowedCurrency',
    'Specified message amount is in a non processable currency outside of existing agreement.',
  ],
  AM04: ['InsufficientFunds', 'Amount of funds available to cover specified message amount is insufficient.'],
  AM05: ['Duplication', 'Duplication.'],
  AM09: ['WrongAmount', 'Amount received is not the amount agreed or expected.'],
  AM10: ['InvalidControlSum', 'Sum of instructed amounts does not equal the control sum.'],
  AM11: ['InvalidTransactionCurrency', 'Transaction currency is invalid or missing.'],
  AM12: ['InvalidAmount', 'Amount is invalid or missing.'],
  AM14: ['AmountExceedsAgreedLimit', 'Transaction amount exceeds limits agreed between bank and client.'],
  AM18: ['InvalidNumberOfTransactions', 'Number of transactions is invalid or missing.'],
  BE01: [
    'InconsistentWithEndCustomer',
    'Identification of end customer is not consistent with associated account number.',
  ],
  CH16: ['ElementContentFormallyIncorrect', 'Content is incorrect.'],
  CH20: [
    'DecimalPointsNotCompatibleWithCurrency',
    'Number of decimal points not compatible with the currency.',
  ],
  CH21: ['RequiredCompulsoryElementMissing', 'Mandatory element is missing.'],
  CNOR: ['CreditorBankIsNotRegistered', 'Creditor bank is not registered under this BIC in the CSM.'],
  CURR: ['IncorrectCurrency', 'Currency of the payment is incorrect.'],
  CUST: ['RequestedByCustomer', 'Cancellation requested by the Debtor.'],
  DNOR: ['DebtorBankIsNotRegistered', 'Debtor bank is not registered under this BIC in the CSM.'],
  DT01: ['InvalidDate', 'Invalid date (eg, wrong or missing settlement date).'],
  DU01: ['DuplicateMessageID', 'Message Identification is not unique.'],
  DU03: ['DuplicateTransaction', 'Transaction is not unique.'],
  DU05: ['DuplicateInstructionID', 'Instruction Identification is not unique.'],
  DUPL: ['DuplicatePayment', 'Payment is a duplicate of another payment.'],
  ED05: ['SettlementFailed', 'Settlement of the transaction has failed.'],
  FF01: ['InvalidFileFormat', 'File Format incomplete or invalid.'],
  FF02: [
    'SyntaxError',
    'Syntax error reason is provided as narrative information in the additional reason information.',
  ],
  FF03: ['InvalidPaymentTypeInformation', 'Payment Type Information is missing or invalid.'],
  FOCR: ['FollowingCancellationRequest', 'Return following a cancellation request.'],
  MS03: ['NotSpecifiedReasonAgentGenerated', 'Reason has not been specified by agent.'],
  NARR: ['Narrative', 'Reason is provided as narrative information in the additional reason information.'],
  RC01: ['BankIdentifierIncorrect', 'Bank identifier code specified in the message has an incorrect format.'],
  RC03: ['InvalidDebtorBankIdentifier', 'Debtor bank identifier is invalid or missing.'],
  RC04: ['InvalidCreditorBankIdentifier', 'Creditor bank identifier is invalid or missing.'],
  RR02: [
    'MissingDebtorNameOrAddress',
    'Specification of the debtor’s name and/or address needed for regulatory requirements is insufficient or missing.',
  ],
  RR03: [
    'MissingCreditorNameOrAddress',
    'Specification of the creditor’s name and/or address needed for regulatory requirements is insufficient or missing.',
  ],
  RR10: ['InvalidCharacterSet', 'Character set supplied not valid for the country and payment type.'],
  TM01: ['InvalidCutOffTime', 'Associated message was received after agreed processing cut-off time.'],
} as const satisfies Record<string, readonly [string, string]>;

export type ReasonCode = keyof typeof REASON_CODES;

export function isReasonCode(s: string): s is ReasonCode {
  return Object.prototype.hasOwnProperty.call(REASON_CODES, s);
}

export function reasonName(code: ReasonCode): string {
  return REASON_CODES[code][0];
}

export function reasonDefinition(code: ReasonCode): string {
  return REASON_CODES[code][1];
}
