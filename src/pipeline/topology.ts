/**
 * The broker topology as plain data: one durable topic exchange per deployment prefix, per stage
 * a durable quorum queue bound to its routing patterns, one direct dead-letter exchange and per
 * stage a parking queue that receives the stage's dead letters. `topology.amqp.ts` declares it on
 * RabbitMQ; `bus.memory.ts` routes with the same bindings, so both buses route alike.
 *
 * Quorum queue arguments follow RabbitMQ's documentation (docs/quorum-queues): a message whose
 * `x-delivery-count` reaches `x-delivery-limit` is dropped, or dead-lettered when a DLX is set;
 * at-least-once dead-lettering needs `x-dead-letter-strategy: at-least-once` together with
 * `x-overflow: reject-publish` (the default strategy is at-most-once). Every value is set
 * explicitly because the defaults differ between RabbitMQ 3.x and 4.x.
 */

export const DEFAULT_STAGES = ['intake', 'clearing', 'settlement', 'delivery', 'eod'] as const;

export interface TopologyParams {
  /** Deployment (or test) prefix of every name, e.g. `isoclear` or `t-outbox-1a2b`. */
  prefix: string;
  /** Stage names, in pipeline order. */
  stages?: readonly string[];
  /** Topic patterns per stage; default `[`<stage>.#`]`. */
  bindings?: Readonly<Record<string, readonly string[]>>;
  /**
   * Broker-side backstop: deliveries of one message (counting redeliveries after a consumer
   * crash or a lost channel) before the broker dead-letters it. The consumer parks earlier, after
   * its own `retryCountMax`; this limit catches a message that kills its consumer every time.
   */
  deliveryLimitMax?: number;
  /** Maximum ready messages per stage queue (`x-max-length`); publishes beyond are rejected. */
  queueLengthMax?: number;
}

export interface QueueSpec {
  readonly stage: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, string | number>>;
  /** Exchange and binding keys this queue receives from. */
  readonly exchange: string;
  readonly bindingKeys: readonly string[];
}

export interface Topology {
  readonly prefix: string;
  readonly stages: readonly string[];
  /** Durable topic exchange that every message is published to. */
  readonly exchange: string;
  /** Durable direct exchange receiving every stage's dead letters, keyed by stage name. */
  readonly deadLetterExchange: string;
  readonly queues: readonly QueueSpec[];
  readonly parkingQueues: readonly QueueSpec[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export function buildTopology(params: TopologyParams): Topology {
  const { prefix } = params;
  const stages = params.stages ?? DEFAULT_STAGES;
  const deliveryLimitMax = params.deliveryLimitMax ?? 20;
  if (!NAME.test(prefix))
    throw new RangeError(`topology prefix ${JSON.stringify(prefix)} is not a valid name`);
  if (stages.length === 0) throw new RangeError('topology needs at least one stage');
  if (new Set(stages).size !== stages.length) throw new RangeError('topology stages must be unique');
  if (!Number.isInteger(deliveryLimitMax) || deliveryLimitMax < 1)
    throw new RangeError('deliveryLimitMax must be a positive integer');
  for (const s of stages) {
    if (!/^[a-z][a-z0-9-]*$/.test(s)) throw new RangeError(`stage name ${JSON.stringify(s)} is not valid`);
  }
  const exchange = `${prefix}.events`;
  const deadLetterExchange = `${prefix}.dlx`;
  const queues = stages.map((stage): QueueSpec => {
    const args: Record<string, string | number> = {
      'x-queue-type': 'quorum',
      'x-delivery-limit': deliveryLimitMax,
      'x-dead-letter-exchange': deadLetterExchange,
      'x-dead-letter-routing-key': stage,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    };
    if (params.queueLengthMax !== undefined) args['x-max-length'] = params.queueLengthMax;
    const keys = params.bindings?.[stage] ?? [`${stage}.#`];
    for (const k of keys) {
      if (!isTopicPattern(k))
        throw new RangeError(`binding ${JSON.stringify(k)} of stage ${stage} is not valid`);
    }
    return { stage, name: `${prefix}.${stage}`, arguments: args, exchange, bindingKeys: keys };
  });
  const parkingQueues = stages.map((stage): QueueSpec => ({
    stage,
    name: `${prefix}.${stage}.parking`,
    // Parked messages stay until an operator acts; no delivery limit, no further dead letters.
    arguments: { 'x-queue-type': 'quorum' },
    exchange: deadLetterExchange,
    bindingKeys: [stage],
  }));
  return { prefix, stages, exchange, deadLetterExchange, queues, parkingQueues };
}

export function queueOf(t: Topology, stage: string): QueueSpec {
  const q = t.queues.find((x) => x.stage === stage);
  if (!q) throw new RangeError(`unknown stage ${JSON.stringify(stage)} (stages: ${t.stages.join(', ')})`);
  return q;
}

export function parkingQueueOf(t: Topology, stage: string): QueueSpec {
  const q = t.parkingQueues.find((x) => x.stage === stage);
  if (!q) throw new RangeError(`unknown stage ${JSON.stringify(stage)} (stages: ${t.stages.join(', ')})`);
  return q;
}

function isTopicPattern(p: string): boolean {
  return p.length > 0 && p.length <= 255 && p.split('.').every((w) => w.length > 0);
}

/**
 * AMQP 0-9-1 topic matching as RabbitMQ does it: words are separated by `.`, `*` matches exactly
 * one word, `#` matches zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey === '' ? [] : routingKey.split('.');
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i}:${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === k.length;
    else if (p[i] === '#') r = go(i + 1, j) || (j < k.length && go(i, j + 1));
    else if (j === k.length) r = false;
    else r = (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** The stages whose queue receives a message with this routing key (in topology order). */
export function routeStages(t: Topology, routingKey: string): string[] {
  return t.queues.filter((q) => q.bindingKeys.some((b) => topicMatches(b, routingKey))).map((q) => q.stage);
}
