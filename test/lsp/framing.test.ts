// editor/lsp/framing.ts: whole LSP frames pass through unchanged however the bytes are split;
// anything else is dropped up to the next Content-Length header, logged once per stretch; a
// stream of nothing but garbage fails with a FramingError.
import { expect } from 'chai';
import { FramingError, LspFrameFilter, type FramingLimits } from '../../editor/lsp/framing.js';

const frame = (body: string, headers = '') => `${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Feeds the chunks, returns what came out, the log lines and the error, if any. */
async function run(chunks: (string | Buffer)[], limits?: FramingLimits) {
  const log: string[] = [];
  const filter = new LspFrameFilter((m) => log.push(m), limits);
  const out: Buffer[] = [];
  filter.on('data', (b: Buffer) => out.push(b));
  const error = new Promise<Error | undefined>((resolve) => {
    filter.on('error', resolve);
    filter.on('end', () => resolve(undefined));
  });
  for (const c of chunks) filter.write(typeof c === 'string' ? Buffer.from(c) : c);
  filter.end();
  const err = await error;
  return { out: Buffer.concat(out).toString(), log, err };
}

describe('lsp input framing', () => {
  const a = frame('{"jsonrpc":"2.0","id":1,"method":"a"}');
  const b = frame(
    '{"jsonrpc":"2.0","id":2,"method":"é"}',
    'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n',
  );

  it('passes whole frames through unchanged, also split byte by byte', async () => {
    expect((await run([a + b])).out).to.equal(a + b);
    const bytes = Buffer.from(a + b);
    const r = await run(Array.from(bytes, (x) => Buffer.from([x])));
    expect(r.out).to.equal(a + b);
    expect(r.log).to.deep.equal([]);
  });

  it('accepts the header name in any case', async () => {
    const lower = a.replace('Content-Length', 'content-length');
    expect((await run([lower])).out).to.equal(lower);
  });

  it('drops a frame without Content-Length and resumes at the next frame', async () => {
    const r = await run(['X-Other: 1\r\n\r\n{"id":9}', a]);
    expect(r.out).to.equal(a);
    expect(r.log[0]).to.match(/a header without Content-Length/);
    expect(r.log[1]).to.match(/resynchronized after dropping \d+ bytes/);
  });

  it('drops binary and resumes at the next frame, logging the stretch once', async () => {
    const binary = Buffer.alloc(2048, 0);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) & 0xff;
    const r = await run([binary, binary, a]);
    expect(r.out).to.equal(a);
    expect(r.log).to.have.length(2);
    expect(r.log[0]).to.match(/byte 0x07 where a header was expected/);
    expect(r.log[1]).to.equal('gtv lsp: resynchronized after dropping 4096 bytes');
  });

  it('drops a non-numeric or oversized Content-Length and text with no header end', async () => {
    const limits = { maxHeader: 64, maxBody: 100, maxDropped: 1e6 };
    expect((await run(['Content-Length: x\r\n\r\n', a], limits)).out).to.equal(a);
    expect((await run(['Content-Length: 101\r\n\r\n', a], limits)).out).to.equal(a);
    const text = await run(['hello '.repeat(20), a], limits);
    expect(text.out).to.equal(a);
    expect(text.log[0]).to.match(/no end of headers within 64 bytes/);
  });

  it('fails with a FramingError after more than maxDropped bytes without a frame', async () => {
    const r = await run([Buffer.alloc(3000, 0xff)], { maxHeader: 64, maxBody: 100, maxDropped: 2000 });
    expect(r.err).to.be.instanceOf(FramingError);
    expect(r.err?.message).to.match(/^\d+ bytes of input without a valid LSP message/);
  });
});
