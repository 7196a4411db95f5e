import type { Config } from '@peerbridge/shared';

/** Where createApp mounts the sandbox. */
export const SANDBOX_MOUNT_PATH = '/sandbox/auth';

/** The sandbox's OpenID issuer identifier, which its tokens carry as `iss`. */
export function sandboxIssuer(config: Pick<Config, 'publicBaseUrl'>): string {
  return `${config.publicBaseUrl}${SANDBOX_MOUNT_PATH}`;
}

/** Where the sandbox EHR is mounted; its FHIR API is below it at /fhir. */
export const SANDBOX_EHR_MOUNT_PATH = '/sandbox/ehr';

/** The sandbox EHR's FHIR base URL, also the audience of the tokens it accepts. */
export function sandboxEhrBaseUrl(config: Pick<Config, 'publicBaseUrl'>): string {
  return `${config.publicBaseUrl}${SANDBOX_EHR_MOUNT_PATH}/fhir`;
}
