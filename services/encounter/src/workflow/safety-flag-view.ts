import type { Communication, Flag } from '@medplum/fhirtypes';
import type { SafetyFlagRow } from '../store/safety-flag-tables.js';

/** A safety flag as the API shows it: the Flag, its alert and its row. */
export interface SafetyFlagView {
  readonly id: string;
  readonly patient: string;
  readonly status: SafetyFlagRow['status'];
  readonly source: SafetyFlagRow['source'];
  readonly urgency: SafetyFlagRow['urgency'];
  readonly concern: string;
  readonly raisedAt: string;
  readonly raisedBy?: string;
  readonly recipients: string[];
  readonly about: string[];
  readonly flag: { reference: string; versionId: string };
  readonly alert: { reference: string; versionId: string };
  readonly acknowledged?: { by: string; at: string };
  readonly resolved?: { by: string; at: string; reason?: string };
  readonly lastUpdated: string;
}

export function safetyFlagView(
  row: SafetyFlagRow,
  flag: Flag,
  alert: Communication,
  reason?: string,
): SafetyFlagView {
  const flagReference = `Flag/${flag.id}`;
  return {
    id: flag.id!,
    patient: flag.subject!.reference!,
    status: row.status,
    source: row.source,
    urgency: row.urgency,
    concern: flag.code.text ?? '',
    raisedAt: flag.period!.start!,
    ...(flag.author?.reference ? { raisedBy: flag.author.reference } : {}),
    recipients: (alert.recipient ?? []).map((r) => r.reference!),
    about: (alert.about ?? []).map((r) => r.reference!).filter((reference) => reference !== flagReference),
    flag: { reference: flagReference, versionId: flag.meta!.versionId! },
    alert: { reference: `Communication/${alert.id}`, versionId: alert.meta!.versionId! },
    ...(row.acknowledgedBy && row.acknowledgedAt
      ? { acknowledged: { by: row.acknowledgedBy, at: row.acknowledgedAt } }
      : {}),
    ...(row.resolvedBy && row.resolvedAt
      ? { resolved: { by: row.resolvedBy, at: row.resolvedAt, ...(reason ? { reason } : {}) } }
      : {}),
    lastUpdated: flag.meta!.lastUpdated!,
  };
}
