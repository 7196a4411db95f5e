import { main } from '@peerbridge/shared';
import { developmentSandbox } from '@peerbridge/sandbox';
import { ALL_SERVICES } from './services.js';

// All services in one process: /fhir routes each resource type to its owning service's router.
// The development sandbox runs beside them when the configuration turns it on (docs/sandbox.md).
await main('peerbridge', 8080, ALL_SERVICES, [developmentSandbox]);
