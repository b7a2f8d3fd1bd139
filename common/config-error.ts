/** A configuration value is missing or wrong; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
