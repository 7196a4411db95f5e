import { main } from '@peerbridge/shared';
import { ALL_SERVICES } from './services.js';

// All services in one process: /fhir routes each resource type to its owning service's router.
await main('peerbridge', 8080, ALL_SERVICES);
