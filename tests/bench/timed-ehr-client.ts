import { EhrFhirClient } from '@peerbridge/ehr-integration';
import { CallTimer } from './timed-calls.js';

/** The EHR client PeerBridge uses, with every call to the EHR timed. */
export class TimedEhrFhirClient extends EhrFhirClient {
  readonly http = new CallTimer();

  override read(...args: Parameters<EhrFhirClient['read']>) {
    return this.http.time(() => super.read(...args));
  }

  override search(...args: Parameters<EhrFhirClient['search']>) {
    return this.http.time(() => super.search(...args));
  }

  override nextPage(...args: Parameters<EhrFhirClient['nextPage']>) {
    return this.http.time(() => super.nextPage(...args));
  }

  override update(...args: Parameters<EhrFhirClient['update']>) {
    return this.http.time(() => super.update(...args));
  }

  override upsertByIdentifier(...args: Parameters<EhrFhirClient['upsertByIdentifier']>) {
    return this.http.time(() => super.upsertByIdentifier(...args));
  }
}
