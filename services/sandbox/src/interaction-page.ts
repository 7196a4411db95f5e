import { DEMO_USERS } from './demo-users.js';
import { escapeHtml } from './html.js';

export interface InteractionPageOptions {
  readonly action: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
  /** Absent when the browser already has a session: the page then only asks for consent. */
  readonly chooseUser: boolean;
  /** A standalone launch asking for `launch/patient`: the user picks the patient. */
  readonly askPatient: boolean;
  readonly problem?: string;
}

/** The sandbox's one page: pick a demo user (and a patient for a standalone launch), then allow or deny. */
export function interactionPage(options: InteractionPageOptions): string {
  const users = DEMO_USERS.map(
    (user, index) =>
      `<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(user.label)} — ${escapeHtml(user.fhirUser)}</label><br>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PeerBridge sandbox sign-in</title></head>
<body>
<h1>PeerBridge development sandbox</h1>
<p>${escapeHtml(options.clientName)} asks for: <code>${escapeHtml(options.scopes.join(' '))}</code></p>
${options.problem ? `<p role="alert"><strong>${escapeHtml(options.problem)}</strong></p>` : ''}
<form method="post" action="${escapeHtml(options.action)}">
${options.chooseUser ? `<fieldset><legend>Sign in as</legend>\n${users}\n</fieldset>` : ''}
${options.askPatient ? '<p><label>Patient id <input name="patient" required pattern="[A-Za-z0-9.\\-]{1,64}"></label></p>' : ''}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body>
</html>`;
}
