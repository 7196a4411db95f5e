import { careTeamService } from '@peerbridge/care-team';
import { ehrIntegrationService } from '@peerbridge/ehr-integration';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import type { ServiceModule } from '@peerbridge/shared';

/** Every PeerBridge service; the development process hosts them all behind one port. */
export const ALL_SERVICES: readonly ServiceModule[] = [
  referralService,
  careTeamService,
  encounterService,
  ehrIntegrationService,
];
