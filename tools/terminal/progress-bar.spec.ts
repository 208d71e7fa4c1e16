import { ProgressBar } from './progress-bar';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean; written: string[] };
}

describe('ProgressBar', () => {
  it('redraws in place on a terminal and ends the line at the total', () => {
    const out = stream(true);
    const bar = new ProgressBar('products', 4, { width: 4, stream: out });
    bar.advance(1);
    bar.advance(5);
    expect(out.written).toEqual(['\rproducts [#...]  25% 1/4', '\rproducts [####] 100% 4/4\n']);
  });

  it('writes only the last line when the stream is not a terminal', () => {
    const out = stream(false);
    const bar = new ProgressBar('products', 2, { width: 2, stream: out });
    bar.advance(1);
    bar.advance(1);
    expect(out.written).toEqual(['products [##] 100% 2/2\n']);
  });

  it('can show its own detail, read its label again and clear itself', () => {
    const out = stream(true);
    let step = 1;
    const bar = new ProgressBar(() => `step ${step}`, 10, { width: 2, stream: out, whenDone: 'clear', detail: (done, total) => ` ${done}/${total} s` });
    bar.update(5);
    step = 2;
    bar.update(20);
    bar.finish();
    expect(out.written).toEqual(['\rstep 1 [#.] 5/10 s', '\rstep 2 [##] 10/10 s', '\r\x1b[K']);
  });
});
