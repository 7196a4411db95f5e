/** A setting that cannot be used; its message names the setting and never prints a secret. */
export class ConfigError extends Error {}
