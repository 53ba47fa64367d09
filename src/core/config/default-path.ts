/** Where a repository keeps its config (own module: naming it does not load the config loader). */
export const DEFAULT_CONFIG_PATH = ".github/maestro-hive.yml";
