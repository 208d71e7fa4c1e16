import { spawn } from 'node:child_process';

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command on a host: over SSH in production, on this machine with --local (tests, one-box trials). */
export interface HostRunner {
  run(address: string, argv: string[], options?: { stdin?: string; timeoutMs?: number }): Promise<CommandResult>;
}

/** `'it'\''s'`: one argument for a POSIX shell, whatever it contains. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function spawnAndCollect(command: string, args: string[], stdin: string | undefined, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

/** `ssh -o BatchMode=yes [-p port] [options] [user@]address -- <quoted argv>`: keys only, never a password prompt. */
export class SshRunner implements HostRunner {
  constructor(
    private readonly ssh: { user?: string; port?: number; options: string[] },
    private readonly sshCommand = 'ssh',
  ) {}

  run(address: string, argv: string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    const target = this.ssh.user ? `${this.ssh.user}@${address}` : address;
    const args = [
      '-o',
      'BatchMode=yes',
      ...(this.ssh.port ? ['-p', String(this.ssh.port)] : []),
      ...this.ssh.options,
      target,
      '--',
      argv.map(shellQuote).join(' '),
    ];
    return spawnAndCollect(this.sshCommand, args, options.stdin, options.timeoutMs ?? 30_000);
  }
}

/** Runs every "remote" command on this machine: the hosts are port sets on the loopback. */
export class LocalRunner implements HostRunner {
  run(_address: string, argv: string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    return spawnAndCollect(argv[0], argv.slice(1), options.stdin, options.timeoutMs ?? 30_000);
  }
}
