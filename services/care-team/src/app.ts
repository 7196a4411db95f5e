import { createApp, type AppOptions } from '@peerbridge/shared';
import type { Express } from 'express';
import { careTeamService } from './service.js';

/** The care-team service on its own (its FHIR resources, REST API, metadata and health endpoints). */
export function createCareTeamApp(options: Omit<AppOptions, 'services'>): Express {
  return createApp({ ...options, services: [careTeamService] });
}
