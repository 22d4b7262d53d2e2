/**
 * Streaming reader for large ISO 20022 files, on saxes: yields the group header and then each
 * repeating transaction (`CdtTrfTxInf`, `TxInf`, `Ntry`, …) as an `XmlNode` subtree — the same
 * shape the tree parser returns, plus `line`/`column` of every start tag — while memory stays
 * bounded by one transaction and one input chunk, whatever the number of transactions.
 *
 * saxes runs with `xmlns:false` (namespace mode is quadratic in depth, stack-measurements §1)
 * and this module resolves namespaces itself. It enforces `depthMax`, `elementCountMax` and
 * `textLengthMax` on its own and refuses DOCTYPEs and processing instructions, so it stays safe
 * even when fed chunks that never went through the gate as a whole; saxes itself refuses
 * undefined entities and anything not well-formed. A failure is the last item, `rejected`.
 *
 * Pure: input is text (a string or an iterable of chunks); decode bytes with a streaming
 * TextDecoder in the shell that reads the file.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { rejection, type Rejection } from '../../domain/index.js';
import { NamespaceScope, splitQName } from './namespaces.js';
import type { XmlNode } from './node.js';

export interface StreamLimits {
  readonly depthMax: number;
  readonly elementCountMax: number;
  readonly textLengthMax: number;
}

export interface StreamOptions {
  /** Local name of the repeating element yielded as `transaction` (e.g. 'CdtTrfTxInf'). */
  readonly repeatingElement: string;
  /** Local names of elements yielded whole as `header` (default ['GrpHdr']). */
  readonly headerElements?: readonly string[];
  /** Only elements in this namespace match (default: any namespace). */
  readonly namespace?: string;
  readonly limits: StreamLimits;
  /** Size of the slices a string input is fed in, in UTF-16 code units (default 65,536). */
  readonly chunkLength?: number;
}

export type StreamItem =
  | { readonly kind: 'header'; readonly node: XmlNode; readonly path: string }
  /** `index` counts transactions from 0 across the whole input. */
  | { readonly kind: 'transaction'; readonly index: number; readonly node: XmlNode; readonly path: string }
  | { readonly kind: 'end'; readonly transactions: number; readonly elements: number }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

interface Frame {
  readonly local: string;
  /** Sibling index among consecutive same-name siblings (ISO repeats are consecutive). */
  readonly index: number;
  lastChild: string;
  lastChildIndex: number;
}

interface Building {
  readonly name: string;
  readonly ns: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  text: string;
  readonly line: number;
  /** Undefined when the start tag's name was followed by a line feed (position unknown). */
  readonly column?: number;
}

class Abort extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

/** Push-style core: `write` chunks, collect the items each produced; `end` when done. */
export class TransactionReader {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly scope = new NamespaceScope();
  private readonly frames: Frame[] = [];
  private readonly building: Building[] = [];
  /** Depth (frames.length) at which the current capture started, or -1. */
  private captureDepth = -1;
  private captureKind: 'header' | 'transaction' = 'transaction';
  private pendingLine = 0;
  private pendingColumn: number | undefined;
  private elements = 0;
  private transactions = 0;
  private out: StreamItem[] = [];
  private failed = false;
  private readonly headers: ReadonlySet<string>;

  constructor(private readonly options: StreamOptions) {
    this.headers = new Set(options.headerElements ?? ['GrpHdr']);
    const p = this.parser;
    p.on('doctype', () => this.abort('xml.doctype', 'DOCTYPE declarations are not allowed'));
    p.on('processinginstruction', (pi) => {
      if (pi.target !== 'xml')
        this.abort('xml.processing-instruction', `processing instruction <?${pi.target}?>`);
    });
    p.on('opentagstart', (tag) => this.openStart(tag.name));
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', () => this.close());
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
    // No 'error' handler: saxes then throws a plain Error, caught in write()/end(). (Each handler
    // is a property added to the parser after construction; past seven of them V8 turns the
    // parser into a slow dictionary-mode object and parsing gets three times slower.)
  }

  private abort(rule: string, message: string): never {
    throw new Abort(
      rejection(rule, 'FF01', this.path(), message, {
        line: this.parser.line,
        column: this.parser.column + 1,
      }),
    );
  }

  private path(): string {
    return `/${this.frames.map((f) => (f.index > 1 || f.local === this.options.repeatingElement ? `${f.local}[${f.index}]` : f.local)).join('/')}`;
  }

  private openStart(qname: string): void {
    // saxes has consumed "<", the name and one delimiter: step back to the "<".
    const p = this.parser;
    const col0 = p.column - qname.length - 2;
    if (col0 >= 0) {
      this.pendingLine = p.line;
      this.pendingColumn = col0 + 1;
    } else {
      this.pendingLine = p.line - 1; // the delimiter was a line feed
      this.pendingColumn = undefined;
    }
  }

  private open(tag: SaxesTagPlain): void {
    const lim = this.options.limits;
    if (++this.elements > lim.elementCountMax)
      this.abort('xml.element-count', `more than ${lim.elementCountMax} elements (elementCountMax)`);
    if (this.frames.length + 1 > lim.depthMax)
      this.abort('xml.depth', `element nesting is deeper than ${lim.depthMax} levels (depthMax)`);
    // saxes builds a fresh null-prototype attribute object per tag: it becomes the node's.
    const attrs = tag.attributes as Record<string, string>;
    this.scope.push(attrs);
    const { prefix, local } = splitQName(tag.name);
    const ns = this.scope.resolve(prefix);
    if (ns === undefined)
      this.abort('xml.namespace', `namespace prefix "${prefix}" of <${tag.name}> is not declared`);
    const parent = this.frames[this.frames.length - 1];
    let index = 1;
    if (parent) {
      index = parent.lastChild === local ? parent.lastChildIndex + 1 : 1;
      parent.lastChild = local;
      parent.lastChildIndex = index;
    }
    this.frames.push({ local, index, lastChild: '', lastChildIndex: 0 });
    if (this.captureDepth < 0) {
      const inNs = this.options.namespace === undefined || this.options.namespace === ns;
      if (inNs && (local === this.options.repeatingElement || this.headers.has(local))) {
        this.captureDepth = this.frames.length;
        this.captureKind = local === this.options.repeatingElement ? 'transaction' : 'header';
      } else return;
    }
    this.building.push({
      name: local,
      ns,
      attrs,
      children: [],
      text: '',
      line: this.pendingLine,
      column: this.pendingColumn,
    });
  }

  private text(t: string): void {
    const b = this.building[this.building.length - 1];
    if (!b) return;
    // As in the gate: indentation between child elements does not count towards the limit.
    const c0 = t.charCodeAt(0);
    const blank = (c0 === 0x20 || c0 === 0x0a || c0 === 0x09 || c0 === 0x0d) && !/[^ \t\n\r]/.test(t);
    const counted = blank ? t.length : b.text.length + t.length;
    if (counted > this.options.limits.textLengthMax)
      this.abort(
        'xml.text-too-long',
        `text of <${b.name}> is longer than ${this.options.limits.textLengthMax} characters (textLengthMax)`,
      );
    b.text += t;
  }

  private close(): void {
    const depth = this.frames.length;
    if (this.captureDepth > 0 && depth >= this.captureDepth) {
      // The node under construction becomes the node: no copy (GC pressure dominates here).
      const b = this.building.pop()!;
      if (b.children.length > 0 && b.text.length > 0 && b.text.trim() === '') b.text = '';
      const node: XmlNode = b;
      if (depth === this.captureDepth) {
        const path = this.path();
        this.out.push(
          this.captureKind === 'transaction'
            ? { kind: 'transaction', index: this.transactions++, node, path }
            : { kind: 'header', node, path },
        );
        this.captureDepth = -1;
      } else this.building[this.building.length - 1]!.children.push(node);
    }
    this.frames.pop();
    this.scope.pop();
  }

  /** Feeds one chunk; returns the items completed by it (the last may be `rejected`). */
  write(chunk: string): StreamItem[] {
    if (this.failed) return [];
    try {
      this.parser.write(chunk);
    } catch (e) {
      return this.fail(e);
    }
    return this.take();
  }

  /** Ends the input; returns the remaining items, the last being `end` or `rejected`. */
  end(): StreamItem[] {
    if (this.failed) return [];
    try {
      this.parser.close();
    } catch (e) {
      return this.fail(e);
    }
    const items = this.take();
    items.push({ kind: 'end', transactions: this.transactions, elements: this.elements });
    return items;
  }

  private take(): StreamItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  private fail(e: unknown): StreamItem[] {
    let r: Rejection;
    if (e instanceof Abort) r = e.rejection;
    else if (e instanceof Error && e.constructor === Error)
      // saxes reports well-formedness errors as plain Errors ("file:line:column: message")
      r = rejection(
        'xml.malformed',
        'FF01',
        this.path(),
        `not well-formed XML: ${e.message.replace(/^[^:]*:\d+:\d+: /, '')}`,
        {
          line: this.parser.line,
          column: this.parser.column + 1,
        },
      );
    else throw e;
    this.failed = true;
    const items = this.take();
    items.push({ kind: 'rejected', rejection: r });
    return items;
  }
}

function* slices(text: string, length: number): Generator<string> {
  for (let i = 0; i < text.length;) {
    let j = Math.min(text.length, i + length);
    // Never split a surrogate pair between two chunks.
    const last = text.charCodeAt(j - 1);
    if (j < text.length && last >= 0xd800 && last <= 0xdbff) j--;
    yield text.slice(i, j);
    i = j;
  }
}

/**
 * Streams the header(s) and transactions of `input` (one string, or chunks in order). The last
 * item is `end` (with counts) or `rejected`; nothing follows a rejection.
 */
export function* streamTransactions(
  input: string | Iterable<string>,
  options: StreamOptions,
): Generator<StreamItem> {
  const reader = new TransactionReader(options);
  const chunks = typeof input === 'string' ? slices(input, options.chunkLength ?? 65_536) : input;
  for (const chunk of chunks) {
    const items = reader.write(chunk);
    yield* items;
    if (items.length > 0 && items[items.length - 1]!.kind === 'rejected') return;
  }
  yield* reader.end();
}

/** As `streamTransactions`, for asynchronous chunk sources (a decoded file stream). */
export async function* streamTransactionsAsync(
  input: AsyncIterable<string>,
  options: StreamOptions,
): AsyncGenerator<StreamItem> {
  const reader = new TransactionReader(options);
  for await (const chunk of input) {
    const items = reader.write(chunk);
    yield* items;
    if (items.length > 0 && items[items.length - 1]!.kind === 'rejected') return;
  }
  yield* reader.end();
}
