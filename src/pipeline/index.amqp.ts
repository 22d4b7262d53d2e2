/**
 * pipeline, RabbitMQ half of the door (see index.ts for what the module owns and asserts): the
 * Bus port on RabbitMQ — recovering connections, explicit quorum-queue topology, confirm-channel
 * publisher, bounded-prefetch consumer with in-process retries and parking. Only shells (main.ts,
 * the CLI, stage worker shells) import it.
 */
export { AmqpBus, openAmqpBus, type AmqpBusOptions } from './bus.amqp.js';
export { AmqpPublisher, type AmqpPublisherOptions } from './publisher.amqp.js';
export { startAmqpConsumer, type AmqpConsumerOptions, type AmqpConsumption } from './consumer.amqp.js';
export { openAmqpConnection, type AmqpConnectionOptions } from './connection.amqp.js';
export { declareTopology, deleteTopology } from './topology.amqp.js';
