import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';

/**
 * Runs a service's real main.ts as its own process: it must start on the embedded database,
 * answer, and on SIGTERM stop cleanly with exit code 0.
 */
describe('service process', () => {
  it('when the referral service runs alone and gets SIGTERM, then it serves, then stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'peerbridge-process-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/referral/src/main.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.message === 'listening') {
          resolve(entry.port as number);
        }
      });
      child.once('exit', () => reject(new Error('exited before listening')));
    });
    try {
      const port = await listening;
      const health = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(health.status).toBe(200);
      const metadata = await fetch(`http://127.0.0.1:${port}/fhir/metadata`);
      expect(((await metadata.json()) as { fhirVersion: string }).fhirVersion).toBe('4.0.1');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(lines.every((line) => line.service === 'referral')).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
