import { main } from '@peerbridge/shared';
import { careTeamService } from './service.js';

await main('care-team', 8082, [careTeamService]);
