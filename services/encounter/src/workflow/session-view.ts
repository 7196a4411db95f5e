import type { Appointment, Encounter } from '@medplum/fhirtypes';
import { isRedacted } from '@peerbridge/shared';
import type { Mode, SessionKind, SessionStatus } from '../domain/session.js';
import { SESSION_NOTE_EXTENSION, SESSION_TOPIC_EXTENSION, SESSION_TYPE_SYSTEM } from '../fhir/codes.js';
import type { SessionAttendeeRow, SessionRow } from '../store/session-tables.js';

/** A session as the API shows it, from its row and its primary resource. */
export interface SessionView {
  readonly id: string;
  readonly kind: SessionKind;
  readonly status: SessionStatus;
  readonly mode: Mode;
  readonly start: string;
  readonly end: string;
  readonly minutes: number;
  readonly attendees: readonly SessionAttendeeRow[];
  readonly peerSupporter: { practitioner: string; practitionerRole: string };
  readonly topics: readonly string[];
  readonly note: string | undefined;
  /** Topics and note withheld from the caller (no consent to share them with the care team). */
  readonly contentWithheld: boolean;
  readonly cancellationReason: string | undefined;
  readonly appointment: { reference: string; versionId: string } | undefined;
  readonly encounter: { reference: string; versionId: string } | undefined;
  readonly lastUpdated: string;
}

const MODE_OF_TYPE: Readonly<Record<string, Mode>> = {
  'in-person': 'in-person',
  video: 'virtual',
  telephone: 'phone',
  home: 'home',
};

export function sessionView(
  row: SessionRow,
  resources: { appointment?: Appointment; encounter?: Encounter },
): SessionView {
  const { appointment, encounter } = resources;
  const primary = encounter ?? appointment!;
  const types = (encounter?.type ?? appointment?.serviceType ?? []).flatMap((concept) =>
    (concept.coding ?? []).filter((c) => c.system === SESSION_TYPE_SYSTEM).map((c) => c.code!),
  );
  const start = encounter?.period?.start ?? appointment?.start ?? row.start;
  const end = encounter?.period?.end ?? appointment?.end ?? start;
  const role =
    encounter?.participant?.[0]?.individual?.reference ??
    appointment?.participant?.find((p) => p.actor?.reference?.startsWith('PractitionerRole/'))?.actor
      ?.reference ??
    '';
  const versioned = (resource: Appointment | Encounter | undefined) =>
    resource && {
      reference: `${resource.resourceType}/${resource.id}`,
      versionId: resource.meta?.versionId ?? '1',
    };
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    mode: types.map((code) => MODE_OF_TYPE[code]).find((mode) => mode !== undefined) ?? 'in-person',
    start,
    end,
    minutes: Math.round((Date.parse(end) - Date.parse(start)) / 60_000),
    attendees: row.attendees,
    peerSupporter: { practitioner: `Practitioner/${row.peerSupporterId}`, practitionerRole: role },
    topics: (primary.extension ?? [])
      .filter((e) => e.url === SESSION_TOPIC_EXTENSION)
      .flatMap((e) => (e.valueCoding?.code ? [e.valueCoding.code] : [])),
    note: encounter
      ? encounter.extension?.find((e) => e.url === SESSION_NOTE_EXTENSION)?.valueString
      : appointment?.comment,
    contentWithheld: isRedacted(primary),
    cancellationReason: appointment?.cancelationReason?.text,
    appointment: versioned(appointment),
    encounter: versioned(encounter),
    lastUpdated: primary.meta?.lastUpdated ?? '',
  };
}
