/**
 * domain — the gateway's vocabulary: Money (ISO 4217 currency + bigint minor units), typed
 * identifiers, the injected clock and id source, business Rejections with ISO reason codes,
 * Result, and invariant asserts.
 *
 * May import: nothing outside src/domain except the pure `ibantools` check. Pure: no I/O, no
 * clock, no randomness (test/unit/purity.test.ts enforces it).
 * Invariants: an amount never has more fraction digits than its currency; Money arithmetic never
 * mixes currencies.
 */
export * from './assert.js';
export * from './clock.js';
export * from './currencies.js';
export * from './ids.js';
export * from './money.js';
export * from './reasons.js';
export * from './rejection.js';
export * from './result.js';
