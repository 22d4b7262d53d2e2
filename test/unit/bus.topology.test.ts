import { describe, expect, it } from 'vitest';
import { backoffMs, decodeMessage, encodeBody } from '../../src/pipeline/envelope.js';
import {
  buildTopology,
  DEFAULT_STAGES,
  parkingQueueOf,
  queueOf,
  routeStages,
  topicMatches,
} from '../../src/pipeline/topology.js';

describe('topicMatches (AMQP topic semantics)', () => {
  it.each([
    ['clearing.#', 'clearing', true],
    ['clearing.#', 'clearing.payment.accepted', true],
    ['clearing.#', 'clearingx.payment', false],
    ['clearing.*', 'clearing.payment', true],
    ['clearing.*', 'clearing.payment.accepted', false],
    ['clearing.*', 'clearing', false],
    ['*.cycle.closed', 'netting.cycle.closed', true],
    ['*.cycle.closed', 'cycle.closed', false],
    ['#.closed', 'closed', true],
    ['#.closed', 'a.b.closed', true],
    ['#', '', true],
    ['#', 'anything.at.all', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
    ['exact.key', 'exact.key', true],
    ['exact.key', 'exact.keys', false],
  ])('%s vs %s -> %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});

describe('buildTopology', () => {
  it('names everything under the prefix and gives each stage a quorum queue with explicit arguments', () => {
    const t = buildTopology({ prefix: 'isoclear', deliveryLimitMax: 7, queueLengthMax: 100000 });
    expect(t.stages).toEqual([...DEFAULT_STAGES]);
    expect(t.exchange).toBe('isoclear.events');
    expect(t.deadLetterExchange).toBe('isoclear.dlx');
    const q = queueOf(t, 'clearing');
    expect(q.name).toBe('isoclear.clearing');
    expect(q.bindingKeys).toEqual(['clearing.#']);
    expect(q.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 7,
      'x-dead-letter-exchange': 'isoclear.dlx',
      'x-dead-letter-routing-key': 'clearing',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
      'x-max-length': 100000,
    });
    const p = parkingQueueOf(t, 'clearing');
    expect(p).toMatchObject({
      name: 'isoclear.clearing.parking',
      exchange: 'isoclear.dlx',
      bindingKeys: ['clearing'],
    });
    expect(p.arguments['x-dead-letter-exchange']).toBeUndefined();
  });

  it('rejects bad prefixes, stage names, duplicate stages and bindings', () => {
    expect(() => buildTopology({ prefix: 'has space' })).toThrow(RangeError);
    expect(() => buildTopology({ prefix: 'p', stages: [] })).toThrow(RangeError);
    expect(() => buildTopology({ prefix: 'p', stages: ['a', 'a'] })).toThrow(RangeError);
    expect(() => buildTopology({ prefix: 'p', stages: ['Bad'] })).toThrow(RangeError);
    expect(() => buildTopology({ prefix: 'p', stages: ['a'], bindings: { a: ['a..b'] } })).toThrow(
      RangeError,
    );
    expect(() => buildTopology({ prefix: 'p', deliveryLimitMax: 0 })).toThrow(RangeError);
    expect(() => queueOf(buildTopology({ prefix: 'p' }), 'nope')).toThrow(RangeError);
  });

  it('routes with the configured bindings, in stage order', () => {
    const t = buildTopology({ prefix: 'p', bindings: { eod: ['eod.#', '*.cycle.closed'] } });
    expect(routeStages(t, 'settlement.cycle.closed')).toEqual(['settlement', 'eod']);
    expect(routeStages(t, 'intake.file')).toEqual(['intake']);
    expect(routeStages(t, 'unknown.key')).toEqual([]);
  });
});

describe('envelope', () => {
  const msg = {
    id: 'm1',
    routingKey: 'clearing.x',
    payload: { minor: '1050', ccy: 'EUR' },
    headers: { 'correlation-id': 'c1' },
    occurredAt: '2026-03-02T10:15:30.123Z',
  };

  it('round-trips a message through its wire form', () => {
    const body = encodeBody(msg, 1024);
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    const back = decodeMessage({
      messageId: 'm1',
      routingKey: 'clearing.x',
      headers: { 'correlation-id': 'c1', 'occurred-at': msg.occurredAt, 'x-delivery-count': 2 },
      body: body.value,
    });
    expect(back).toEqual({ ok: true, value: msg });
  });

  it('refuses what could not travel: bigint, oversize body, bad id, bad instant, non-string header', () => {
    expect(encodeBody({ ...msg, payload: { n: 1n } as never }, 1024).ok).toBe(false);
    expect(encodeBody({ ...msg, payload: 'é'.repeat(600) }, 1024).ok).toBe(false); // 1202 UTF-8 bytes
    expect(encodeBody({ ...msg, payload: 'é'.repeat(500) }, 1024).ok).toBe(true); // 1002 bytes
    expect(encodeBody({ ...msg, id: '' }, 1024).ok).toBe(false);
    expect(encodeBody({ ...msg, occurredAt: '2026-03-02 10:15' }, 1024).ok).toBe(false);
    expect(encodeBody({ ...msg, headers: { n: 1 as unknown as string } }, 1024).ok).toBe(false);
  });

  it('refuses a delivery without message id, JSON body or occurred-at header', () => {
    const base = { messageId: 'm', routingKey: 'k', headers: { 'occurred-at': msg.occurredAt }, body: '{}' };
    expect(decodeMessage(base).ok).toBe(true);
    expect(decodeMessage({ ...base, messageId: undefined }).ok).toBe(false);
    expect(decodeMessage({ ...base, body: '{' }).ok).toBe(false);
    expect(decodeMessage({ ...base, headers: {} }).ok).toBe(false);
  });

  it('backs off exponentially with a cap', () => {
    expect([1, 2, 3, 4, 5, 50].map((a) => backoffMs(a, 100, 1000))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
