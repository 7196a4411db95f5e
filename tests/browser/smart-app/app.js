// A tiny SMART app: finish the authorization, list the patient's referrals, refresh the access
// token as fhirclient does, and list them again with the new token. What it saw is left in
// window.smartAppResult (or window.smartAppError) for the test to read.

// The sandbox identifies a public app by client_id on refresh (see docs/sandbox.md).
FHIR.oauth2.settings.refreshTokenWithClientId = true;

async function listReferrals(client) {
  const bundle = await client.request(`ServiceRequest?patient=${encodeURIComponent(client.patient.id)}`);
  return (bundle.entry || []).map((entry) => entry.resource.id);
}

async function run() {
  const client = await FHIR.oauth2.ready();
  const referrals = await listReferrals(client);
  document.getElementById('referrals').innerHTML = referrals.map((id) => `<li>${id}</li>`).join('');
  const before = client.state.tokenResponse.access_token;
  await client.refresh();
  const after = client.state.tokenResponse.access_token;
  return {
    patient: client.patient.id,
    encounter: client.encounter.id,
    user: client.user.fhirUser,
    needPatientBanner: client.state.tokenResponse.need_patient_banner,
    referrals,
    refreshed: before !== after,
    referralsAfterRefresh: await listReferrals(client),
  };
}

run().then(
  (result) => {
    window.smartAppResult = result;
  },
  (error) => {
    window.smartAppError = String(error && error.message ? error.message : error);
  },
);
