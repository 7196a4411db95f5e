import type { Config } from '@peerbridge/shared';

/** Where createApp mounts the sandbox. */
export const SANDBOX_MOUNT_PATH = '/sandbox/auth';

/** The sandbox's OpenID issuer identifier, which its tokens carry as `iss`. */
export function sandboxIssuer(config: Pick<Config, 'publicBaseUrl'>): string {
  return `${config.publicBaseUrl}${SANDBOX_MOUNT_PATH}`;
}
