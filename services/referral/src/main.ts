import { main } from '@peerbridge/shared';
import { referralService } from './service.js';

await main('referral', 8081, [referralService]);
