import { main } from '@peerbridge/shared';
import { encounterService } from './service.js';

await main('encounter', 8083, [encounterService]);
