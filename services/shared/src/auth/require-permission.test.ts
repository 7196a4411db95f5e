import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import { createAuthContext } from './auth-context.js';
import { assertPermitted, requireAuth, requirePermission } from './require-permission.js';

const ISS = 'https://ehr.example/auth';
const responseWith = (auth: unknown) =>
  ({ locals: auth === undefined ? {} : { auth } }) as unknown as Response;

/** The error a call throws, as [status, text, WWW-Authenticate], or 'allowed'. */
function outcomeOf(call: () => void): [number, string | undefined, string | undefined] | 'allowed' {
  try {
    call();
    return 'allowed';
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return [error.status, error.outcome.issue?.[0]?.details?.text, error.headers['WWW-Authenticate']];
  }
}

describe('requireAuth', () => {
  it('when the response carries an AuthContext, then it is returned', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/Task.r' });
    expect(requireAuth(responseWith(auth))).toBe(auth);
  });

  it('when the router was mounted without authenticate, then 401 instead of an unchecked answer', () => {
    expect(outcomeOf(() => requireAuth(responseWith(undefined)))).toEqual([
      401,
      'This request needs a bearer access token',
      'Bearer realm="PeerBridge"',
    ]);
  });
});

describe('assertPermitted', () => {
  it.each([
    ['c', 'create'],
    ['r', 'read'],
    ['u', 'update'],
    ['d', 'delete'],
    ['s', 'search'],
  ] as const)('when no scope grants %s, then 403 insufficient_scope names the action %s', (action, name) => {
    const text = `The access token's scopes do not allow ${name} on Task (needs e.g. user/Task.${action})`;
    expect(
      outcomeOf(() =>
        assertPermitted(createAuthContext({ iss: ISS, scope: 'user/Patient.cruds' }), 'Task', action),
      ),
    ).toEqual([
      403,
      text,
      `Bearer realm="PeerBridge", error="insufficient_scope", error_description="${text}"`,
    ]);
  });

  it('when a scope grants the action on the type, then it is allowed', () => {
    expect(
      outcomeOf(() => assertPermitted(createAuthContext({ iss: ISS, scope: 'user/Task.r' }), 'Task', 'r')),
    ).toBe('allowed');
  });

  it('when contexts are named, then only a scope of one of them allows the action', () => {
    const patientScoped = createAuthContext({ iss: ISS, scope: 'patient/Task.r', patient: 'p-1' });
    const userScoped = createAuthContext({ iss: ISS, scope: 'patient/Task.r user/Task.r', patient: 'p-1' });
    expect(outcomeOf(() => assertPermitted(patientScoped, 'Task', 'r', ['system', 'user']))[0]).toBe(403);
    expect(outcomeOf(() => assertPermitted(userScoped, 'Task', 'r', ['system', 'user']))).toBe('allowed');
    expect(outcomeOf(() => assertPermitted(patientScoped, 'Task', 'r'))).toBe('allowed');
  });

  it('when contexts are named but no scope grants the action at all, then 403', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/Task.s' });
    expect(outcomeOf(() => assertPermitted(auth, 'Task', 'r', ['user']))[0]).toBe(403);
  });
});

describe('requirePermission', () => {
  const run = (auth: unknown, contexts?: readonly ('user' | 'system' | 'patient')[]) => {
    const calls: unknown[] = [];
    const outcome = outcomeOf(() =>
      requirePermission('Task', 'u', contexts)({} as never, responseWith(auth), (...args: unknown[]) => {
        calls.push(args);
      }),
    );
    return { outcome, calls };
  };

  it('when the caller may take the action, then the next handler runs', () => {
    expect(run(createAuthContext({ iss: ISS, scope: 'user/Task.u' }))).toEqual({
      outcome: 'allowed',
      calls: [[]],
    });
  });

  it('when the caller may not, then 403 and the next handler does not run', () => {
    const { outcome, calls } = run(createAuthContext({ iss: ISS, scope: 'user/Task.r' }));
    expect([outcome[0], calls]).toEqual([403, []]);
  });

  it('when contexts are given, then they are applied', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'patient/Task.u', patient: 'p-1' });
    expect(run(auth, ['user']).outcome[0]).toBe(403);
    expect(run(auth, ['patient']).outcome).toBe('allowed');
  });

  it('when there is no AuthContext, then 401', () => {
    expect(run(undefined).outcome[0]).toBe(401);
  });
});
