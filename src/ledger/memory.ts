/**
 * An in-memory ledger over the same pure decision as the database writer: for tests of code that
 * posts to the ledger (netting, settlement) and for the ledger's own property tests. It keeps
 * every record and balance in maps and applies each batch with applyBatch, exactly as the
 * writer does after loading its view. Pure: time and ids are arguments.
 */
import { assert } from '../domain/index.js';
import { hasLimit, type AccountSpec, type Limit } from './accounts.js';
import { applyBatch, type AccountState, type BatchResult, type ResolutionOutcome } from './batch.js';
import { auditSnapshot, type InvariantReport } from './invariants.js';
import { keysOf, type Command, type CommandLimits, type EntryRecord, type LedgerRecord } from './journal.js';

export class MemoryLedger {
  readonly accounts = new Map<string, AccountState>();
  readonly records = new Map<string, LedgerRecord>();
  readonly resolutions = new Map<string, ResolutionOutcome>();
  readonly entries: EntryRecord[] = [];

  constructor(private readonly limits?: CommandLimits) {}

  open(specs: readonly AccountSpec[]): void {
    for (const s of specs)
      if (!this.accounts.has(s.id))
        this.accounts.set(s.id, {
          id: s.id,
          kind: s.kind,
          currency: s.currency,
          posted: 0n,
          pendingDebits: 0n,
          pendingCredits: 0n,
          limit: hasLimit(s.kind) ? { netDebitCapMinor: 0n, prefundedMinor: 0n } : null,
        });
  }

  setLimit(id: string, limit: Limit): void {
    const a = this.accounts.get(id);
    assert(a && a.limit, () => `${id} is not a clearing account`);
    this.accounts.set(id, { ...a, limit });
  }

  /** Decides and applies one batch of units (a unit of several commands is atomic). */
  apply(units: readonly (readonly Command[])[], nowMs: number, newId: () => string): BatchResult {
    // the view a writer would load: only what the batch names, so tests exercise the same path
    const accounts = new Map<string, AccountState>();
    const records = new Map<string, LedgerRecord>();
    const resolutions = new Map<string, ResolutionOutcome>();
    for (const unit of units)
      for (const c of unit) {
        for (const k of keysOf(c)) {
          const r = this.records.get(k);
          if (!r) continue;
          records.set(k, r);
          if (r.kind === 'reserve') {
            const res = this.resolutions.get(r.id);
            if (res) resolutions.set(r.id, res);
            for (const p of r.postings) this.#view(accounts, p.account);
          }
        }
        if (c.kind === 'transfer' || c.kind === 'reserve')
          for (const p of c.postings) this.#view(accounts, p.account);
      }
    const result = applyBatch({ accounts, records, resolutions }, units, {
      nowMs,
      newId,
      ...(this.limits ? { limits: this.limits } : {}),
    });
    for (const a of result.accounts) this.accounts.set(a.id, a);
    for (const e of result.entries) {
      this.records.set(e.key, e);
      this.entries.push(e);
    }
    for (const r of result.resolutions) this.resolutions.set(r.pendingId, r.outcome);
    for (const o of result.outcomes)
      if (o.status === 'accepted' && o.record.kind === 'void') this.records.set(o.record.key, o.record);
    return result;
  }

  #view(into: Map<string, AccountState>, id: string): void {
    const a = this.accounts.get(id);
    if (a) into.set(id, a);
  }

  audit(): InvariantReport {
    return auditSnapshot(this.accounts.values(), this.entries, this.resolutions);
  }
}
