import { createApp, type AppOptions } from '@peerbridge/shared';
import type { Express } from 'express';
import { referralService } from './service.js';

/** The referral service on its own (its FHIR resources, metadata and health endpoints). */
export function createReferralApp(options: Omit<AppOptions, 'services'>): Express {
  return createApp({ ...options, services: [referralService] });
}
