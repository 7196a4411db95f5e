import { createApp, type AppOptions } from '@peerbridge/shared';
import type { Express } from 'express';
import { ehrIntegrationService } from './service.js';

/** The ehr-integration service on its own (patient copies, intake workers, metadata and health endpoints). */
export function createEhrIntegrationApp(options: Omit<AppOptions, 'services'>): Express {
  return createApp({ ...options, services: [ehrIntegrationService] });
}
