/** Small accessors over the model's agent and party identifications. */
import type * as T from './generated/types.js';

/** The BIC of an agent, when it is identified by one. */
export function agentBic(
  agent: T.BranchAndFinancialInstitutionIdentification6 | undefined,
): string | undefined {
  return agent?.FinInstnId.BICFI;
}

/** The BIC of an AppHdr party (Fr/To), when it is a financial institution identified by BIC. */
export function partyBic(p: T.Party44Choice | undefined): string | undefined {
  return p && 'FIId' in p ? p.FIId.FinInstnId.BICFI : undefined;
}
