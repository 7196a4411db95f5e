import { createApp, type AppOptions } from '@peerbridge/shared';
import type { Express } from 'express';
import { encounterService } from './service.js';

/** The encounter service on its own (its FHIR resources, REST API, metadata and health endpoints). */
export function createEncounterApp(options: Omit<AppOptions, 'services'>): Express {
  return createApp({ ...options, services: [encounterService] });
}
