/** Suppressions: the model, validation, the compiled matcher and the review report. */
export { configSuppressions, type LoadedSuppressions, mergeSuppressions } from "./config.ts";
export {
  type CreateContext,
  type CreateResult,
  createSuppression,
  DEFAULT_EXPIRY,
  type SuppressionInput,
} from "./create.ts";
export { type ExpiryParse, isDuration, parseDuration, parseExpiry } from "./duration.ts";
export {
  type AppliedSuppressions,
  applySuppressions,
  type CompiledSuppressions,
  type CompileOptions,
  compileSuppressions,
  filtersHold,
  type SuppressedFinding,
} from "./matcher.ts";
export {
  compareWithinLevel,
  EXPIRING_SOON_DAYS,
  isActive,
  isExpired,
  LEVEL_RANK,
  PATTERN_TYPES,
  type PatternType,
  SUPPRESSION_LEVELS,
  SUPPRESSION_SOURCES,
  type Suppression,
  type SuppressionLevel,
  type SuppressionSource,
  UNUSED_AFTER_DAYS,
} from "./model.ts";
export { ancestorDirectories, normalizePattern, patternSyntaxError } from "./pattern.ts";
export { naiveMatcher } from "./reference.ts";
export { partitionSuppressed, reviewSuppressions, type SuppressionReview } from "./review.ts";
export {
  formatIssues,
  type SuppressionIssue,
  type ValidationContext,
  type ValidationResult,
  validateSuppression,
  validateSuppressions,
} from "./validate.ts";
