/**
 * import-linter contracts as ACC rules (docs/acc-rule-language.md).
 */
import type { Adopter } from "./adopter.ts";

export const importLinterAdopter: Adopter = {
  tool: "import-linter",
  prefix: "importlinter",
  adopt: () => Promise.resolve({ rules: [], notices: [] }),
};
