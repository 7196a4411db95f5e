import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '@peerbridge/shared';
import { startTestApp } from '../support/test-app.js';

describe('sandbox: never in production', () => {
  it('when SANDBOX=1 and NODE_ENV=production, then the configuration is refused', async () => {
    await expect(startTestApp([], { SANDBOX: '1', NODE_ENV: 'production' })).rejects.toThrow(ConfigError);
  });

  it('when NODE_ENV=production and no SMART_ISSUERS are set, then the sandbox default is refused too', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' }, { port: 1 })).toThrow(/SMART_ISSUERS/);
  });

  it('when NODE_ENV=production and SMART_ISSUERS are set, then the sandbox is off', () => {
    const config = parseConfig(
      { NODE_ENV: 'production', SMART_ISSUERS: 'https://ehr.example/auth' },
      { port: 1 },
    );
    expect(config.sandbox).toBe(false);
  });

  it('when no SMART_ISSUERS are set outside production, then the sandbox is on; SANDBOX=0 turns it off', () => {
    expect(parseConfig({}, { port: 1 }).sandbox).toBe(true);
    expect(parseConfig({ SANDBOX: '0' }, { port: 1 }).sandbox).toBe(false);
    expect(parseConfig({ SMART_ISSUERS: 'https://ehr.example/auth' }, { port: 1 }).sandbox).toBe(false);
    expect(
      parseConfig({ SMART_ISSUERS: 'https://ehr.example/auth', SANDBOX: '1' }, { port: 1 }).sandbox,
    ).toBe(true);
  });

  it('when SANDBOX is neither 0 nor 1, then the configuration is refused', () => {
    expect(() => parseConfig({ SANDBOX: 'yes' }, { port: 1 })).toThrow(ConfigError);
  });

  it('when the real server process starts with SANDBOX=1 and NODE_ENV=production, then it exits without listening', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'peerbridge-sandbox-prod-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/src/main.ts'], {
        env: {
          ...process.env,
          PORT: '0',
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          SANDBOX: '1',
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).not.toBe(0);
      expect(output).toContain('never runs with NODE_ENV=production');
      expect(output).not.toContain('listening');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
