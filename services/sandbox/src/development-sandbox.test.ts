import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '@peerbridge/shared';
import { SANDBOX_INTROSPECTION_CLIENT } from './demo-clients.js';
import { withSandboxTrust } from './development-sandbox.js';

const SANDBOX_ISSUER = 'http://localhost:8080/sandbox/auth';

describe('trusting the development sandbox', () => {
  it('when no SMART_ISSUERS are set, then the sandbox is the trusted issuer, with its introspection client', () => {
    const config = withSandboxTrust(
      parseConfig({ PUBLIC_BASE_URL: 'http://localhost:8080' }, { port: 8080 }),
    );
    expect(config.smart.issuers).toEqual([SANDBOX_ISSUER]);
    expect(config.smart.introspectionClients.get(SANDBOX_ISSUER)).toEqual(SANDBOX_INTROSPECTION_CLIENT);
    expect(Object.isFrozen(config.smart)).toBe(true);
  });

  it('when SANDBOX=1 next to SMART_ISSUERS, then both are trusted, the configured one first', () => {
    const config = withSandboxTrust(
      parseConfig({ SMART_ISSUERS: 'https://ehr.example/auth', SANDBOX: '1' }, { port: 8080 }),
    );
    expect(config.smart.issuers).toEqual(['https://ehr.example/auth', SANDBOX_ISSUER]);
  });

  it('when SMART_INTROSPECTION_CLIENTS names the sandbox, then that client is kept', () => {
    const own = { clientId: 'mine', clientSecret: 'also-mine' };
    const config = withSandboxTrust(
      parseConfig(
        {
          SMART_ISSUERS: SANDBOX_ISSUER,
          SANDBOX: '1',
          SMART_INTROSPECTION_CLIENTS: JSON.stringify({ [SANDBOX_ISSUER]: own }),
        },
        { port: 8080 },
      ),
    );
    expect(config.smart.issuers).toEqual([SANDBOX_ISSUER]);
    expect(config.smart.introspectionClients.get(SANDBOX_ISSUER)).toEqual(own);
  });

  it('when the sandbox is off, then the configuration trusts only the configured issuers', () => {
    const parsed = parseConfig({ SANDBOX: '0' }, { port: 8080 });
    expect(withSandboxTrust(parsed).smart.issuers).toEqual([]);
    expect(parseConfig({}, { port: 8080 }).smart.issuers).toEqual([]);
  });
});
