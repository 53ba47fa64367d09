import { configSchema, type MaestroConfig } from "../../../core/config/schema.ts";
import type { CommandSite } from "../command.ts";

/** The base config, or the empty config when it could not be read. */
export function configOrEmpty(site: CommandSite): MaestroConfig {
  return site.config ?? configSchema.parse({});
}
