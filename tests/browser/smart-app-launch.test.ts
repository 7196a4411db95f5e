import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { ehrMrn, ehrPatientId, encodeLaunch, runTokenCommand } from '@peerbridge/sandbox';
import { serviceRequest } from '../support/fixtures.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { startAppServer, type AppServer } from './app-server.js';
import { launchChromium, type Chromium } from './chromium.js';

const BROWSER_TEST_TIMEOUT_MS = 120_000;

/** What the tiny app (tests/browser/smart-app/app.js) saw. */
interface AppResult {
  readonly patient: string;
  readonly encounter: string | null;
  readonly user: string;
  readonly needPatientBanner: boolean;
  readonly referrals: string[];
  readonly refreshed: boolean;
  readonly referralsAfterRefresh: string[];
}

describe('a browser SMART app on another origin, with fhirclient in Chromium', () => {
  let peerBridge: string;
  let t: ListeningTestApp;
  let app: AppServer;
  let browser: Chromium;

  beforeAll(async () => {
    // PeerBridge listens and its sandbox is the one issuer: the browser reaches it over HTTP like
    // any EHR's authorization server.
    t = await startListeningTestApp([referralService], {
      SANDBOX: '1',
      SMART_ISSUERS: '',
      SMART_INTROSPECTION_CLIENTS: '',
    });
    peerBridge = t.baseUrl;
    app = await startAppServer();
    browser = await launchChromium();
  }, BROWSER_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  /** A referral for a fresh patient, written by the sandbox's demo backend service. */
  async function referralFor(patient: string): Promise<string> {
    const token = await runTokenCommand(
      ['--as', 'backend', '--scope', 'system/*.*', '--url', peerBridge],
      {},
    );
    const res = await request(t.app)
      .post('/fhir/ServiceRequest')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/fhir+json')
      .send(serviceRequest({ subject: { reference: `Patient/${patient}` } }))
      .expect(201);
    return res.body.id as string;
  }

  /** A tab of a browser with no sandbox session yet, so the sign-in page asks who signs in. */
  async function freshPage(): Promise<Page> {
    await browser.context.clearCookies();
    return browser.context.newPage();
  }

  /** Signs in on the sandbox's page as the clinician (and picks the patient if asked), then allows. */
  async function signInAndAllow(page: Page, patient?: string): Promise<void> {
    await page.waitForURL(`${peerBridge}/sandbox/auth/interaction/**`);
    await page.getByLabel(/Dr\. Casey Clinician/).check();
    if (patient !== undefined) {
      await page.getByLabel('Patient id').fill(patient);
    }
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  /** Waits for the app to finish, and fails with what it reported if it could not. */
  async function appResult(page: Page): Promise<AppResult> {
    await page.waitForURL(`${app.origin}/callback**`);
    const handle = await page.waitForFunction(
      () => {
        const w = globalThis as unknown as { smartAppResult?: unknown; smartAppError?: string };
        return w.smartAppResult ?? (w.smartAppError ? { error: w.smartAppError } : undefined);
      },
      undefined,
      { timeout: 60_000 },
    );
    const result = (await handle.jsonValue()) as AppResult | { error: string };
    if ('error' in result) {
      throw new Error(`the app failed: ${result.error}`);
    }
    return result;
  }

  /** Requests the page made that the browser blocked or that failed, e.g. for want of CORS. */
  function failedRequests(page: Page): string[] {
    const failed: string[] = [];
    page.on('requestfailed', (req) =>
      failed.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`),
    );
    return failed;
  }

  it(
    'when a clinician launches the app standalone and picks a patient, then it reads that patient’s referrals from PeerBridge, before and after refreshing its token',
    async () => {
      const patient = `standalone-${randomUUID()}`;
      const referral = await referralFor(patient);
      await referralFor(`someone-else-${randomUUID()}`);
      const page = await freshPage();
      const failed = failedRequests(page);
      const scope = 'launch/patient openid fhirUser offline_access patient/ServiceRequest.rs';
      await page.goto(
        `${app.origin}/launch.html?${new URLSearchParams({ server: `${peerBridge}/fhir`, scope })}`,
      );
      await signInAndAllow(page, patient);

      expect(await appResult(page)).toEqual({
        patient,
        encounter: null,
        user: 'Practitioner/demo-clinician',
        needPatientBanner: true,
        referrals: [referral],
        refreshed: true,
        referralsAfterRefresh: [referral],
      });
      expect(await page.locator('#referrals li').allTextContents()).toEqual([referral]);
      expect(failed).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'when the EHR launches the app for a patient and an encounter, then it reads that patient’s referrals, before and after refreshing its token',
    async () => {
      const patient = `ehr-${randomUUID()}`;
      const referral = await referralFor(patient);
      const page = await freshPage();
      const failed = failedRequests(page);
      // What the sandbox's stand-in EHR does: open the app's launch URL with iss and launch.
      const launch = encodeLaunch({ patient, encounter: 'enc-1' });
      const scope = 'launch openid fhirUser offline_access patient/ServiceRequest.rs';
      await page.goto(
        `${app.origin}/launch.html?${new URLSearchParams({ iss: `${peerBridge}/fhir`, launch, scope })}`,
      );
      await signInAndAllow(page);

      expect(await appResult(page)).toEqual({
        patient,
        encounter: 'enc-1',
        user: 'Practitioner/demo-clinician',
        needPatientBanner: false,
        referrals: [referral],
        refreshed: true,
        referralsAfterRefresh: [referral],
      });
      expect(failed).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'when a clinician picks a patient and the app on the sandbox EHR’s launch page, then the app opens in that patient’s context and reads their referrals',
    async () => {
      const patient = ehrPatientId(2);
      const referral = await referralFor(patient);
      const page = await freshPage();
      const failed = failedRequests(page);
      await page.goto(`${peerBridge}/sandbox/ehr/launch`);
      await page.getByLabel('Patient').selectOption({ label: `Hernández, Luis — 1975-11-02 — ${ehrMrn(2)}` });
      await page.getByLabel('App', { exact: true }).selectOption('peerbridge-demo-app');
      const scope = 'launch openid fhirUser offline_access patient/ServiceRequest.rs';
      await page
        .getByLabel('App launch URL')
        .fill(`${app.origin}/launch.html?${new URLSearchParams({ scope })}`);
      await page.getByRole('button', { name: 'Launch' }).click();
      await signInAndAllow(page);

      const result = await appResult(page);
      expect(result).toMatchObject({ patient, encounter: null, needPatientBanner: false });
      // Read from PeerBridge, before and after refreshing the token, as in the launch above.
      expect([result.referrals, result.referralsAfterRefresh, result.refreshed]).toEqual([
        [referral],
        [referral],
        true,
      ]);
      expect(failed).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
