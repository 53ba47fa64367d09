import { matchRoute, validateRequest } from "../test/harness/fake-github/openapi.ts";
let t = performance.now();
const r = matchRoute("PATCH", "/repos/o/r/check-runs/12")!;
console.log("load", performance.now() - t); t = performance.now();
for (let i = 0; i < 5; i++) {
  validateRequest(r.match!, new URLSearchParams(), { output: { summary: "no title" } });
  console.log("validate", i, performance.now() - t); t = performance.now();
}
const c = matchRoute("POST", "/repos/o/r/check-runs")!;
validateRequest(c.match!, new URLSearchParams(), { name: "x", head_sha: "abc" });
console.log("create first", performance.now() - t); t = performance.now();
validateRequest(c.match!, new URLSearchParams(), { name: "x", head_sha: "abc" });
console.log("create 2nd", performance.now() - t); t = performance.now();
const m = matchRoute("POST", "/repos/o/r/issues/5/comments")!;
validateRequest(m.match!, new URLSearchParams(), { body: "x".repeat(65537) });
console.log("comment first", performance.now() - t); t = performance.now();
