import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';

/** How to start one OS process of the local cluster. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Output lines a process keeps in memory for error messages (the whole output is in its log file). */
const KEPT_LINES = 40;

/** A child process whose output goes to its own log file, and that can be signalled and awaited. */
export class ManagedProcess {
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** When the process was spawned (ms since the epoch). */
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private exit?: ProcessExit;
  private readonly lastLines: string[] = [];
  private partialLine = '';

  constructor(readonly spec: ProcessSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.pipe(this.log, { end: false });
      stream.on('data', (chunk: Buffer) => this.keep(chunk));
    }
    this.exited = new Promise((resolve) => {
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit) return;
        this.exit = { code, signal };
        this.log.end();
        resolve(code ?? (signal ? null : 0));
      };
      // "close" comes once the output has been read to its end, so the last lines are kept by then; a grandchild
      // holding the pipes open could delay it, hence the fallback after "exit". A failed spawn emits "error" and "close".
      this.child.once('error', (error) => this.keep(Buffer.from(`${spec.command}: ${error.message}\n`)));
      this.child.once('close', settle);
      this.child.once('exit', (code, signal) => setTimeout(() => settle(code, signal), 1000).unref());
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How the process ended; undefined while it runs. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** The last lines the process wrote to stdout or stderr (at most 40). */
  recentOutput(lines = KEPT_LINES): string[] {
    const kept = this.partialLine ? [...this.lastLines, this.partialLine] : this.lastLines;
    return kept.slice(-lines);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if still running after `graceMs`. */
  async stop(graceMs = 10000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private keep(chunk: Buffer): void {
    const lines = (this.partialLine + chunk.toString('utf8')).split('\n');
    this.partialLine = lines.pop()!.slice(-4000);
    for (const line of lines) if (line) this.lastLines.push(line.slice(0, 4000));
    if (this.lastLines.length > KEPT_LINES) this.lastLines.splice(0, this.lastLines.length - KEPT_LINES);
  }
}
