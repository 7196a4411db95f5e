import express, { type Router } from 'express';
import helmet from 'helmet';
import type { FhirRepository } from '@medplum/fhir-router';
import type { Patient } from '@medplum/fhirtypes';
import { DEMO_APP_CLIENT_ID } from '../demo-clients.js';
import { escapeHtml } from '../html.js';
import { encodeLaunch } from '../launch-context.js';

/** SMART apps the sandbox EHR can launch: the demo app, at whatever loopback URL it is served from. */
const LAUNCHABLE_APPS = [{ clientId: DEMO_APP_CLIENT_ID, name: 'PeerBridge demo SMART app' }] as const;
const DEFAULT_LAUNCH_URL = 'http://localhost:9999/launch.html';
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The EHR's launch page, as a clinician sees it: pick a patient and an app, and the EHR opens the
 * app's launch URL with `iss` (PeerBridge's FHIR API, which the app talks to) and a `launch`
 * value carrying the patient, which the sandbox authorization server turns into the token's
 * launch context. The demo app is a native app in OAuth's sense, so only loopback launch URLs
 * are accepted: the page is no open redirect.
 */
export function ehrLaunchPage(repo: FhirRepository, fhirBaseUrl: string): Router {
  const router = express.Router();
  // The form's answer redirects to the app's own origin: browsers would block that under helmet's
  // default `form-action 'self'` (as on the sandbox's sign-in page).
  router.use(helmet({ contentSecurityPolicy: { directives: { formAction: null } } }));
  router.get('/launch', async (_req, res, next) => {
    try {
      const patients = await repo.searchResources<Patient>({ resourceType: 'Patient', count: 1000 });
      res.type('html').send(launchPage(patients));
    } catch (error) {
      next(error);
    }
  });
  router.get('/launch/start', async (req, res, next) => {
    try {
      const { patient, app, launch_url: launchUrl } = req.query as Record<string, string | undefined>;
      const target = typeof launchUrl === 'string' ? URL.parse(launchUrl) : null;
      if (!LAUNCHABLE_APPS.some((known) => known.clientId === app)) {
        res.status(400).type('text').send('app must be a registered SMART app');
        return;
      }
      if (!target || !/^https?:$/.test(target.protocol) || !LOOPBACK_HOSTS.has(target.hostname)) {
        res.status(400).type('text').send('launch_url must be a loopback http(s) URL');
        return;
      }
      const found = patient ? await repo.readResource('Patient', patient).catch(() => undefined) : undefined;
      if (!found) {
        res.status(400).type('text').send('patient must be a patient of this EHR');
        return;
      }
      target.searchParams.set('iss', fhirBaseUrl);
      target.searchParams.set('launch', encodeLaunch({ patient: found.id! }));
      res.redirect(303, target.href);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function launchPage(patients: readonly Patient[]): string {
  const options = patients
    .map((patient) => {
      const name = patient.name?.[0];
      const label = `${name?.family ?? ''}, ${(name?.given ?? []).join(' ')} — ${patient.birthDate ?? ''} — ${patient.identifier?.[0]?.value ?? ''}`;
      return `<option value="${escapeHtml(patient.id ?? '')}">${escapeHtml(label)}</option>`;
    })
    .join('\n');
  const apps = LAUNCHABLE_APPS.map(
    (app) => `<option value="${escapeHtml(app.clientId)}">${escapeHtml(app.name)}</option>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sandbox EHR — launch an app</title></head>
<body>
<h1>Riverside Community Health Clinic (sandbox EHR)</h1>
<form method="get" action="launch/start">
<p><label for="patient">Patient</label> <select id="patient" name="patient" required>
${options}
</select></p>
<p><label for="app">App</label> <select id="app" name="app">
${apps}
</select></p>
<p><label for="launch-url">App launch URL</label> <input id="launch-url" name="launch_url" size="50" value="${escapeHtml(DEFAULT_LAUNCH_URL)}" required></p>
<button type="submit">Launch</button>
</form>
</body>
</html>`;
}
