import { main } from '@peerbridge/shared';
import { ehrIntegrationService } from './service.js';

await main('ehr-integration', 8084, [ehrIntegrationService]);
