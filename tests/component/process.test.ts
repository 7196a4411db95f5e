import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createScratchDatabase } from '../support/scratch-database.js';

// A service's real main.ts as its own process: it starts, serves, and on SIGTERM shuts down as the
// README says: it stops accepting, keeps serving requests already under way (so /readyz, asked on
// such a connection, answers 503 and a load balancer takes the instance out), cuts off what still
// runs at SHUTDOWN_TIMEOUT_MS, closes the pool and exits 0. On PostgreSQL an unclosed pool would
// keep the process alive for pg's 10 s idle timeout, so the exit time also shows the pool closed.
// One process for all of it: starting one is the slow part.

const SHUTDOWN_TIMEOUT_MS = 1500;
/** What closing the pool and the job queue and exiting may take after the cut-off. */
const EXIT_SLACK_MS = 5000;

let database: { env: Record<string, string>; drop(): Promise<void> };
beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'peerbridge_process');
    database = { env: { DATABASE_URL: scratch.url }, drop: () => scratch.drop() };
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'peerbridge-process-'));
    database = {
      env: { DATABASE_URL: '', DATA_DIR: dataDir },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
});
afterAll(() => database.drop());

/** A connection with a request begun but not finished: the server counts it as in flight. */
async function beginRequest(port: number, head: string): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (chunk) => (data += String(chunk)));
  socket.on('error', () => undefined);
  socket.write(head);
  return { socket, received: () => data };
}

describe('service process', () => {
  it('when the referral service runs alone and gets SIGTERM with requests in flight, then /readyz says 503, the unfinished request is cut off at SHUTDOWN_TIMEOUT_MS, the pool closes and it exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/referral/src/main.ts'], {
      env: {
        ...process.env,
        ...database.env,
        PORT: '0',
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    const waiting = new Map<string, () => void>();
    const logged = (message: string) =>
      new Promise<void>((resolve) =>
        lines.some((line) => line.message === message) ? resolve() : waiting.set(message, resolve),
      );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      waiting.get(entry.message as string)?.();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await Promise.race([logged('listening'), exited.then(() => Promise.reject(new Error('exited early')))]);
      const port = lines.find((line) => line.message === 'listening')!.port as number;
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const metadata = await fetch(`http://127.0.0.1:${port}/fhir/metadata`);
      expect(((await metadata.json()) as { fhirVersion: string }).fhirVersion).toBe('4.0.1');

      // Two requests in flight: one never finished, one finished once draining has begun.
      const stuck = await beginRequest(port, 'GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\n');
      const probe = await beginRequest(port, 'GET /readyz HTTP/1.1\r\nHost: localhost\r\n');
      const stuckClosed = new Promise<number>((resolve) =>
        stuck.socket.once('close', () => resolve(Date.now())),
      );
      // Only a request the server has begun to read is in flight; one it has not read yet is an
      // idle connection, closed at once. A request sent after both and answered shows that the
      // server has read them: it reads what is ready in the order it arrived.
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const sigterm = Date.now();
      child.kill('SIGTERM');
      await logged('shutting down');

      probe.socket.write('Connection: close\r\n\r\n');
      await new Promise((resolve) => probe.socket.once('close', resolve));
      expect(probe.received()).toMatch(/^HTTP\/1\.1 503 /);
      expect(probe.received()).toContain('{"status":"unavailable"}');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

      const cutOff = (await stuckClosed) - sigterm;
      expect(stuck.received()).toBe('');
      expect(cutOff).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 50);
      expect(await exited).toBe(0);
      const exitedAfter = Date.now() - sigterm;
      expect(exitedAfter).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
      // 'stopped' is logged once the pool and the job queue have closed.
      const messages = lines.map((line) => line.message);
      expect(messages.slice(messages.indexOf('shutting down'))).toEqual([
        'shutting down',
        'request',
        'stopped',
      ]);
      expect(lines.every((line) => line.service === 'referral')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
