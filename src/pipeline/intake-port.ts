/**
 * The intake port: what every bank channel (REST, file drop, AMQP) calls with a raw inbound
 * message, and what the operations API reads a payment's lifecycle from. The stage code behind
 * it (src/pipeline/stages) is the same on PostgreSQL + RabbitMQ and on PGlite + the in-process
 * bus. Types only: channels depend on this file, not on the implementation.
 */

export type ChannelKind = 'rest' | 'file' | 'amqp';

export interface InboundMessage {
  readonly channel: ChannelKind;
  /** BIC of the authenticated participant the channel credential is bound to. */
  readonly senderBic: string;
  readonly bytes: Uint8Array;
  /** Milliseconds since the epoch, from the shell's (or the simulated day's) clock. */
  readonly receivedAtMs: number;
  /** File channel: the file's name, kept for the archive and the operator. */
  readonly fileName?: string;
  /** Channel-level idempotency key (REST Idempotency-Key header, AMQP message id), optional. */
  readonly idempotencyKey?: string;
}

export interface IntakeReason {
  readonly rule: string;
  /** ISO ExternalStatusReason1Code, or null when none applies. */
  readonly reason: string | null;
  readonly path: string;
  readonly line: number | null;
  readonly message: string;
}

export interface IntakeResult {
  /** The gateway's id of the stored raw message. */
  readonly messageId: string;
  /** ACCP: stored and accepted (possibly with some transactions rejected); RJCT: rejected whole. */
  readonly status: 'ACCP' | 'RJCT';
  readonly reasons: readonly IntakeReason[];
  /** True when this exact message (body hash or sender + MsgId) was received before: the first outcome is returned and nothing changed. */
  readonly duplicate: boolean;
  readonly messageType: string | null;
  readonly transactionsAccepted: number;
  readonly transactionsRejected: number;
}

export interface Intake {
  submit(msg: InboundMessage): Promise<IntakeResult>;
}

export type PaymentStatus = 'RCVD' | 'ACCP' | 'RJCT' | 'ACSC' | 'PDNG';

export interface PaymentEvent {
  readonly at: string;
  readonly event: string;
  readonly detail?: string;
}

export interface PaymentView {
  readonly uetr: string | null;
  readonly endToEndId: string;
  readonly txId: string | null;
  readonly msgId: string;
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  /** Decimal string. */
  readonly amount: string;
  readonly status: PaymentStatus;
  readonly reason: string | null;
  readonly cycle: string | null;
  readonly events: readonly PaymentEvent[];
  readonly messages: readonly { id: string; direction: 'in' | 'out'; type: string; participant: string }[];
}

export interface PaymentQueries {
  /** The payment by UETR as `viewerBic` may see it (null viewer: operator/auditor); null when absent or not visible. */
  paymentByUetr(uetr: string, viewerBic: string | null): Promise<PaymentView | null>;
}
