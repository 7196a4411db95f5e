import express, { type ErrorRequestHandler, type Router } from 'express';
import { errors } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { interactionPage } from './interaction-page.js';
import { findDemoUser } from './demo-users.js';
import { decodeLaunch, isFhirId, type LaunchContext } from './launch-context.js';
import { escapeHtml } from './html.js';
import type { SandboxSettings } from './provider-configuration.js';
import { OPENID_AND_LAUNCH_SCOPES, grantableResourceScopes, splitScopes } from './smart-scopes.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const OPENID_SCOPES: ReadonlySet<string> = new Set(OPENID_AND_LAUNCH_SCOPES);

/**
 * The sign-in and consent step of the authorization code flow, through oidc-provider's
 * interaction API: one page where the user picks a demo user (and, for a standalone launch, a
 * patient) and allows or denies the app.
 */
export function interactionRoutes(provider: Provider, settings: SandboxSettings): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/interaction/:uid', async (req, res) => {
    const interaction = await provider.interactionDetails(req, res);
    res.type('html').send(interactionPage(await pageOptions(provider, interaction, settings)));
  });

  router.post('/interaction/:uid', form, async (req, res) => {
    const interaction = await provider.interactionDetails(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.decision !== 'allow') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user denied the app access.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const chooseUser = interaction.prompt.name === 'login';
    const accountId = chooseUser ? body.user : interaction.session?.accountId;
    const launchContext = resolveLaunchContext(interaction, body.patient);
    const problem =
      typeof accountId !== 'string' || !findDemoUser(accountId)
        ? 'Choose one of the demo users.'
        : launchContext === 'invalid patient'
          ? 'Enter a patient id (letters, digits, "-" and "."; at most 64).'
          : undefined;
    if (problem || typeof accountId !== 'string' || launchContext === 'invalid patient') {
      const options = await pageOptions(provider, interaction, settings);
      res
        .status(400)
        .type('html')
        .send(interactionPage({ ...options, problem }));
      return;
    }
    const grantId = await saveGrant(provider, interaction, accountId, settings.fhirBaseUrl);
    if (launchContext) {
      settings.launchContexts.set(grantId, launchContext);
    }
    await provider.interactionFinished(
      req,
      res,
      { ...(chooseUser ? { login: { accountId } } : {}), consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  });
  router.use(interactionError);
  return router;
}

async function saveGrant(
  provider: Provider,
  interaction: Interaction,
  accountId: string,
  fhirBaseUrl: string,
): Promise<string> {
  const requested = splitScopes(interaction.params.scope as string | undefined);
  const grant = new provider.Grant({ accountId, clientId: interaction.params.client_id as string });
  const openid = requested.filter((scope) => OPENID_SCOPES.has(scope));
  grant.addOIDCScope(openid);
  // The resource server lists the OpenID and launch scopes too (see provider-configuration.ts).
  grant.addResourceScope(fhirBaseUrl, [...openid, ...grantableResourceScopes(requested, false)]);
  return grant.save();
}

/** EHR launch: the context the launch parameter carries. Standalone `launch/patient`: the patient picked. */
function resolveLaunchContext(
  interaction: Interaction,
  patient: unknown,
): LaunchContext | 'invalid patient' | undefined {
  const launch = interaction.params.launch as string | undefined;
  if (launch !== undefined) {
    return decodeLaunch(launch);
  }
  if (!asksForPatient(interaction)) {
    return undefined;
  }
  // Standalone: the app runs outside the EHR, so it shows the patient banner itself.
  return isFhirId(patient) ? { patient, need_patient_banner: true } : 'invalid patient';
}

function asksForPatient(interaction: Interaction): boolean {
  return (
    interaction.params.launch === undefined &&
    splitScopes(interaction.params.scope as string | undefined).includes('launch/patient')
  );
}

async function pageOptions(provider: Provider, interaction: Interaction, settings: SandboxSettings) {
  const client = await provider.Client.find(interaction.params.client_id as string);
  return {
    action: `${settings.mountPath}/interaction/${interaction.uid}`,
    clientName: client?.clientName ?? String(interaction.params.client_id),
    scopes: splitScopes(interaction.params.scope as string | undefined),
    chooseUser: interaction.prompt.name === 'login',
    askPatient: asksForPatient(interaction),
  };
}

/** An expired or unknown interaction is the browser's problem, not a server error: say so plainly. */
const interactionError: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof errors.OIDCProviderError)) {
    next(error);
    return;
  }
  res
    .status(error.statusCode)
    .type('html')
    .send(
      `<!doctype html><title>Sandbox sign-in</title><h1>${escapeHtml(error.error)}</h1><p>${escapeHtml(error.error_description ?? '')}</p>`,
    );
};
