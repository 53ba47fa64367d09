export { RegexError, type RegexErrorKind } from "./errors.ts";
export {
  compileSafeRegex,
  MAX_PATTERN_LENGTH,
  type RegexDialect,
  type RegexGroup,
  type RegexMatch,
  type SafeRegex,
  type SafeRegexOptions,
  safeRegexProblem,
} from "./safe-regex.ts";
