/**
 * RabbitMQ test helpers: a unique name prefix per test (files run in parallel against one
 * broker), a bus on its own topology, cleanup that deletes every queue and exchange it declared,
 * and `closeAllConnections` (rabbitmqctl) for connection-loss tests. Everything here talks to the
 * real broker at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { openAmqpBus, type AmqpBus, type AmqpBusOptions } from '../../src/pipeline/bus.amqp.js';
import type { BusMessage, JsonValue } from '../../src/pipeline/bus.js';
import { buildTopology, type TopologyParams } from '../../src/pipeline/topology.js';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const run = promisify(execFile);

/** `t-<label>-<random>`: unique per call, valid as an exchange/queue name prefix. */
export function uniquePrefix(label: string): string {
  return `t-${label.replace(/[^A-Za-z0-9_-]/g, '-')}-${randomBytes(4).toString('hex')}`;
}

export interface TestBus {
  bus: AmqpBus;
  prefix: string;
  /** Deletes the topology and closes the bus (safe to call twice). */
  cleanup(): Promise<void>;
}

export async function openTestAmqpBus(
  label: string,
  topo: Omit<TopologyParams, 'prefix'> = {},
  opts: Partial<Omit<AmqpBusOptions, 'topology'>> = {},
): Promise<TestBus> {
  const prefix = uniquePrefix(label);
  const bus = await openAmqpBus({
    url: AMQP_URL,
    topology: buildTopology({ prefix, ...topo }),
    name: prefix,
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 1000,
    ...opts,
  });
  let done = false;
  return {
    bus,
    prefix,
    cleanup: async () => {
      if (done) return;
      done = true;
      try {
        await bus.deleteTopology();
      } finally {
        await bus.close();
      }
    },
  };
}

/**
 * `rabbitmqctl close_all_connections --vhost <vhost>`: closes every client connection of that
 * virtual host (RabbitMQ 3.10 without --vhost means the default vhost "/", where the other test
 * files run). All our AMQP code reconnects; a test that cuts connections lives in a file of its
 * own and, by default, in a vhost of its own (`createTestVhost`) so files running in parallel are
 * not cut too.
 */
export async function closeAllConnections(reason: string, vhost = '/'): Promise<void> {
  await run('rabbitmqctl', ['close_all_connections', '--vhost', vhost, reason], { timeout: 60_000 });
}

/**
 * A throw-away virtual host with full permissions for the URL's user; `url` points at it.
 * `remove()` deletes it with every queue and exchange in it.
 */
export async function createTestVhost(
  label: string,
): Promise<{ vhost: string; url: string; remove(): Promise<void> }> {
  const vhost = uniquePrefix(label);
  const u = new URL(AMQP_URL);
  const user = decodeURIComponent(u.username || 'guest');
  await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 60_000 });
  await run('rabbitmqctl', ['set_permissions', '--vhost', vhost, user, '.*', '.*', '.*'], {
    timeout: 60_000,
  });
  u.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    vhost,
    url: u.toString(),
    remove: async () => {
      await run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 });
    },
  };
}

/** Messages ready in a queue (not counting unacked deliveries). */
export async function readyCount(bus: AmqpBus, queue: string): Promise<number> {
  return bus.withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount);
}

/** Fetches (and acks) up to `max` messages from a queue with basic.get: inspection of parking queues. */
export async function getAll(
  bus: AmqpBus,
  queue: string,
  max = 1000,
): Promise<Array<{ id: unknown; headers: Record<string, unknown> }>> {
  return bus.withChannel(async (ch) => {
    const out: Array<{ id: unknown; headers: Record<string, unknown> }> = [];
    for (let i = 0; i < max; i++) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) break;
      out.push({
        id: m.properties.messageId,
        headers: (m.properties.headers ?? {}) as Record<string, unknown>,
      });
    }
    return out;
  });
}

/** Polls `cond` every `everyMs` until true or `timeoutMs` passed (then throws with `what`). */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A test message with a unique id. */
export function testMessage(
  id: string,
  routingKey: string,
  payload: JsonValue = { n: id },
  headers: Record<string, string> = {},
): BusMessage {
  return { id, routingKey, payload, headers, occurredAt: '2026-03-02T10:15:30.123Z' };
}
