import { extractPython, PYTHON_EXTRACTOR_VERSION } from "./languages/python.ts";
import { extractTypeScript, TYPESCRIPT_EXTRACTOR_VERSION } from "./languages/typescript.ts";
import type { LanguageFamily, LanguageSupport } from "./model.ts";
import { createPythonResolver } from "./resolve/python.ts";
import { createTypeScriptResolver } from "./resolve/typescript.ts";

/** The real extractors and resolvers; what runAcc uses unless told otherwise. */
export const DEFAULT_LANGUAGES: Readonly<Record<LanguageFamily, LanguageSupport>> = {
  typescript: {
    extractorVersion: TYPESCRIPT_EXTRACTOR_VERSION,
    extract: extractTypeScript,
    createResolver: createTypeScriptResolver,
  },
  python: {
    extractorVersion: PYTHON_EXTRACTOR_VERSION,
    extract: extractPython,
    createResolver: createPythonResolver,
  },
};
