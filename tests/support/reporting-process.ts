import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A TypeScript script run as a child process that reports JSON lines on standard output. */
export interface ReportingProcess {
  readonly child: ChildProcess;
  /** Every line it has printed so far, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Its exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
}

export function startReportingProcess(script: string, env: Record<string, string>): ReportingProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

/** The last `progress` line a process printed. */
export function lastProgress(process: ReportingProcess): Record<string, unknown> | undefined {
  return process.lines.filter((line) => line.message === 'progress').at(-1);
}
