/** What the recipients of a safety alert are chosen from: the patient's care teams, as known here. */
export interface RecipientTeam {
  readonly status: string;
  readonly referringClinician?: string | undefined;
  readonly coordinator?: string | undefined;
}

/**
 * Who a safety alert goes to (references). The referring clinicians and coordinators of the
 * patient's care teams that have not ended (of all of them when every one has ended). With no
 * care team known here, or one naming nobody (e.g. its events have not arrived yet), the
 * program's active coordinators (`coordinators`, Practitioner ids); with none of those either,
 * the program itself (`program`). Never empty: a flag is never raised to nobody.
 */
export function alertRecipients(
  teams: readonly RecipientTeam[],
  coordinators: readonly string[],
  program: string,
): string[] {
  const open = teams.filter((team) => team.status !== 'inactive');
  const chosen = open.length > 0 ? open : teams;
  const named = chosen.flatMap((team) => [team.referringClinician, team.coordinator]);
  const recipients = [...new Set(named.filter((reference): reference is string => !!reference))];
  if (recipients.length > 0) {
    return recipients;
  }
  return coordinators.length > 0 ? coordinators.map((id) => `Practitioner/${id}`) : [program];
}
