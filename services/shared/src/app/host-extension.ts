import type { Router } from 'express';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';

/**
 * A part a host runs beside its services that is not a service, such as the development
 * sandbox: the development host wires it in, and no service or shared module imports it. It may
 * adjust the configuration the host runs with (trust an issuer it serves) and mount a router
 * that answers every request under its path itself.
 */
export interface HostExtension {
  readonly name: string;
  configure?(config: Config): Config;
  /**
   * Mounted before helmet, authentication and body parsing: such a router sets its own headers,
   * reads its own bodies and decides who may call it. Undefined when it is switched off.
   */
  router?(config: Config, logger: Logger): { readonly path: string; readonly router: Router } | undefined;
  /**
   * Runs once the host listens at PUBLIC_BASE_URL, for work that goes through the host's own
   * APIs like any client (the sandbox puts its demo users on the roster). It must not throw.
   */
  started?(config: Config, logger: Logger): Promise<void>;
}

/** The configuration after every extension has adjusted it, in order. */
export function configureHost(config: Config, extensions: readonly HostExtension[]): Config {
  return extensions.reduce((current, extension) => extension.configure?.(current) ?? current, config);
}
