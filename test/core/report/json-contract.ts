import { z } from "zod";

/** The design's `check --format json` contract, strictly: every finding has exactly these fields. */
const finding = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  rule: z.string(),
  type: z.string(),
  severity: z.enum(["error", "warning", "info"]),
  file: z.string().nullable(),
  line: z.number().int().positive().nullable(),
  target: z.string().nullable(),
  message: z.string(),
  status: z.enum(["new", "existing"]),
  suppressed: z.boolean(),
  suppressionId: z.string().nullable(),
});
const fixed = finding.omit({ status: true, suppressed: true, suppressionId: true });
export const checkJsonContract = z.object({
  verdict: z.enum(["pass", "fail"]),
  acc: z.strictObject({ violations: z.array(finding), fixed: z.array(fixed) }),
  bdv: z.strictObject({ findings: z.array(finding), fixed: z.array(fixed) }),
  dde: z.strictObject({ findings: z.array(finding) }),
});
