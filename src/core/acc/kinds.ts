/**
 * Import kinds as rules see them (`kinds` / `ignoreKinds` of a rule). One import can have
 * several: `import type { T } from "m"` is static and type-only; a Python import inside
 * `if TYPE_CHECKING:` is static, type-only and type-checking.
 *
 * - static        an import/export statement (TS/JS `import`, `export … from`; Python `import`, `from … import`)
 * - type-only     erased at run time: TS `import type`/`export type`, `typeof import("m")`, Python TYPE_CHECKING imports
 * - type-checking Python imports inside `if TYPE_CHECKING:` (import-linter's exclude_type_checking_imports)
 * - dynamic       `import("m")`, Python `importlib.import_module("m")` / `__import__("m")`
 * - require       CommonJS `require("m")` and TS `import x = require("m")`
 * - side-effect   an import that binds nothing: `import "m"`
 * - export        a re-export: `export … from "m"`
 *
 * Every import has exactly one FORM (below); a form has a fixed set of kinds, so a rule's
 * filter compiles to a bit set of forms and checking an import is one AND.
 */
import type { ImportKind, Language } from "./model.ts";

export const IMPORT_KINDS = [
  "static",
  "type-only",
  "type-checking",
  "dynamic",
  "require",
  "side-effect",
  "export",
] as const;

export type ImportKindName = (typeof IMPORT_KINDS)[number];

const FORM_KINDS: readonly (readonly ImportKindName[])[] = [
  /* 0 import       */ ["static"],
  /* 1 side effect  */ ["static", "side-effect"],
  /* 2 type import  */ ["static", "type-only"],
  /* 3 TYPE_CHECKING*/ ["static", "type-only", "type-checking"],
  /* 4 re-export    */ ["static", "export"],
  /* 5 require      */ ["require"],
  /* 6 dynamic      */ ["dynamic"],
];

/** Bit set of every form: the filter of a rule without `kinds` / `ignoreKinds`. */
export const ALL_FORMS = (1 << FORM_KINDS.length) - 1;

interface KindedImport {
  readonly kind: ImportKind;
  readonly sideEffect?: true | undefined;
}

/** The form of an import; Python's "type" imports are the ones inside `if TYPE_CHECKING:`. */
export function formOf(edge: KindedImport, language: Language | null): number {
  switch (edge.kind) {
    case "import":
      return edge.sideEffect ? 1 : 0;
    case "type":
      return language === "python" ? 3 : 2;
    case "export":
      return 4;
    case "require":
      return 5;
    case "dynamic":
      return 6;
  }
}

/** The import kinds of an import, in IMPORT_KINDS order. */
export function kindsOf(edge: KindedImport, language: Language | null): readonly ImportKindName[] {
  return FORM_KINDS[formOf(edge, language)]!;
}

/**
 * The forms a rule considers: those with any of `kinds` (all when absent) and none of
 * `ignoreKinds`, as a bit set (bit f = form f).
 */
export function formFilter(
  kinds: readonly ImportKindName[] | undefined,
  ignoreKinds: readonly ImportKindName[] | undefined,
): number {
  let allowed = 0;
  for (let form = 0; form < FORM_KINDS.length; form++) {
    const own = FORM_KINDS[form]!;
    if (kinds !== undefined && !own.some((kind) => kinds.includes(kind))) continue;
    if (ignoreKinds?.some((kind) => own.includes(kind))) continue;
    allowed |= 1 << form;
  }
  return allowed;
}
