/** How a progress bar looks and where it goes. */
export interface ProgressBarOptions {
  /** Characters of the bar itself. */
  width?: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** What follows the bar (default `" 50% 2500/5000"`). */
  detail?: (done: number, total: number) => string;
  /** When done: keep the last line (also the one line written when the stream is not a terminal), or clear it. */
  whenDone?: 'keep' | 'clear';
}

const percentAndCount = (done: number, total: number) => ` ${String(Math.round((done / total) * 100)).padStart(3)}% ${done}/${total}`;

/**
 * A one-line progress bar (`label [#####.....] 50% 2500/5000`), redrawn in place on a terminal; elsewhere it writes
 * only its last line, when `whenDone` keeps it. The label may be a function, read again at each drawing.
 */
export class ProgressBar {
  private done = 0;
  private readonly width: number;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly detail: (done: number, total: number) => string;
  private readonly whenDone: 'keep' | 'clear';

  constructor(
    private readonly label: string | (() => string),
    private readonly total: number,
    options: ProgressBarOptions = {},
  ) {
    this.width = options.width ?? 30;
    this.stream = options.stream ?? process.stderr;
    this.detail = options.detail ?? percentAndCount;
    this.whenDone = options.whenDone ?? 'keep';
  }

  /** Counts `by` more done (up to the total) and redraws; the step that reaches the total ends the bar. */
  advance(by: number): void {
    this.done = Math.min(this.total, this.done + by);
    if (this.done === this.total) this.finish();
    else if (this.stream.isTTY) this.stream.write(`\r${this.line()}`);
  }

  /** Sets how much is done (up to the total) and redraws it on a terminal. */
  update(done: number): void {
    this.done = Math.min(this.total, done);
    if (this.stream.isTTY) this.stream.write(`\r${this.line()}`);
  }

  /** Ends the bar: its last line stays (with a newline) or is cleared, as `whenDone` says. */
  finish(): void {
    if (this.whenDone === 'clear') {
      if (this.stream.isTTY) this.stream.write('\r\x1b[K');
      return;
    }
    this.stream.write(this.stream.isTTY ? `\r${this.line()}\n` : `${this.line()}\n`);
  }

  private line(): string {
    const label = typeof this.label === 'string' ? this.label : this.label();
    const filled = Math.round((this.done / this.total) * this.width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}]${this.detail(this.done, this.total)}`;
  }
}
