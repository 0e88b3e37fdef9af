// What stands between stdin and the JSON-RPC reader: passes on whole, well-formed LSP frames
// (`Content-Length: N` headers, a blank line, N bytes) and drops everything else, resuming at the
// next `Content-Length:` header. vscode-jsonrpc's reader, given a frame without Content-Length or
// bytes that never form a header, reports an error once and then reads every later message out
// of alignment (or waits forever for a header end), so the server never answered again.
//
// Each dropped stretch is logged once, with its reason. A client that sends more than
// `maxDropped` bytes with no valid frame among them is not speaking LSP: the stream fails with
// a FramingError and the command exits non-zero, so the editor restarts the server.
import { Transform, type TransformCallback } from 'node:stream';

export interface FramingLimits {
  /** Bytes a header section may take (VS Code sends about 60). */
  maxHeader: number;
  /** Bytes a message body may take. */
  maxBody: number;
  /** Bytes dropped with no valid frame in between before giving up. */
  maxDropped: number;
}

export const DEFAULT_LIMITS: FramingLimits = { maxHeader: 8 * 1024, maxBody: 512 * 1024 ** 2, maxDropped: 1024 ** 2 };

export class FramingError extends Error {}

const HEADER_END = Buffer.from('\r\n\r\n');
const RESYNC = Buffer.from('content-length:');
/** `Name: value` with printable ASCII (RFC 7230 token name; the value may hold spaces and tabs). */
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([ -~\t]*?)[ \t]*$/;

export class LspFrameFilter extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes dropped since the last valid frame. */
  private dropped = 0;

  constructor(
    private readonly log: (message: string) => void,
    private readonly limits: FramingLimits = DEFAULT_LIMITS,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.drain();
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  private drain(): void {
    while (this.buf.length > 0) {
      const end = this.buf.indexOf(HEADER_END);
      const headerBytes = end < 0 ? this.buf.length : end;
      const bad = firstNonHeaderByte(this.buf, Math.min(headerBytes, this.limits.maxHeader + 1));
      if (bad >= 0) {
        this.discard(`byte 0x${this.buf[bad].toString(16).padStart(2, '0')} where a header was expected`);
        continue;
      }
      if (end < 0) {
        if (this.buf.length > this.limits.maxHeader)
          this.discard(`no end of headers within ${this.limits.maxHeader} bytes`);
        return;
      }
      if (end > this.limits.maxHeader) {
        this.discard(`headers longer than ${this.limits.maxHeader} bytes`);
        continue;
      }
      const parsed = contentLength(this.buf.subarray(0, end).toString('ascii'), this.limits.maxBody);
      if (typeof parsed === 'string') {
        this.discard(parsed);
        continue;
      }
      const total = end + HEADER_END.length + parsed;
      if (this.buf.length < total) return;
      if (this.dropped > 0) this.log(`gtv lsp: resynchronized after dropping ${this.dropped} bytes`);
      this.dropped = 0;
      this.push(this.buf.subarray(0, total));
      this.buf = this.buf.subarray(total);
    }
  }

  /** Drops the buffer up to the next `Content-Length:` after its start (keeping a tail that may begin one). */
  private discard(reason: string): void {
    const next = indexOfCaseless(this.buf, RESYNC, 1);
    const cut = next >= 0 ? next : Math.max(1, this.buf.length - (RESYNC.length - 1));
    if (this.dropped === 0)
      this.log(
        `gtv lsp: dropping input that is not an LSP message (${reason}); resynchronizing at the next Content-Length header`,
      );
    this.dropped += cut;
    this.buf = this.buf.subarray(cut);
    if (this.dropped > this.limits.maxDropped) {
      throw new FramingError(`${this.dropped} bytes of input without a valid LSP message (last problem: ${reason})`);
    }
  }
}

/** The Content-Length of a header section, or what is wrong with it. */
function contentLength(headers: string, maxBody: number): number | string {
  let length: number | undefined;
  for (const line of headers.split('\r\n')) {
    const m = HEADER_LINE.exec(line);
    if (!m) return `malformed header line ${JSON.stringify(line.slice(0, 80))}`;
    if (m[1].toLowerCase() !== 'content-length') continue;
    if (!/^\d{1,16}$/.test(m[2])) return `Content-Length ${JSON.stringify(m[2].slice(0, 40))} is not a byte count`;
    length = Number(m[2]);
  }
  if (length === undefined) return 'a header without Content-Length';
  if (length > maxBody) return `Content-Length ${length} over the limit of ${maxBody} bytes`;
  return length;
}

/** Index of the first byte in buf[0, n) that cannot be in a header section (printable ASCII, tab, CR, LF). */
function firstNonHeaderByte(buf: Buffer, n: number): number {
  for (let i = 0; i < Math.min(n, buf.length); i++) {
    const b = buf[i];
    if ((b < 0x20 || b > 0x7e) && b !== 0x09 && b !== 0x0d && b !== 0x0a) return i;
  }
  return -1;
}

function indexOfCaseless(buf: Buffer, lower: Buffer, from: number): number {
  outer: for (let i = from; i + lower.length <= buf.length; i++) {
    for (let k = 0; k < lower.length; k++) {
      const b = buf[i + k];
      if ((b >= 0x41 && b <= 0x5a ? b + 0x20 : b) !== lower[k]) continue outer;
    }
    return i;
  }
  return -1;
}
