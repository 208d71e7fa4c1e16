/** A one-line progress bar on stderr (`label [#####.....] 50% 2500/5000`). */
export class ProgressBar {
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  advance(by: number): void {
    this.done = Math.min(this.total, this.done + by);
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const line = `${this.label.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((this.done / this.total) * 100)).padStart(3)}% ${this.done}/${this.total}`;
    this.stream.write(this.stream.isTTY ? `\r${line}` : this.done === this.total ? `${line}\n` : '');
    if (this.stream.isTTY && this.done === this.total) this.stream.write('\n');
  }
}
