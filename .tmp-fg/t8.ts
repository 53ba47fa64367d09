import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const spec = JSON.parse(readFileSync("test/fixtures/github/webhook-schemas.json", "utf8"));
for (const opts of [{ allErrors: true, verbose: true, inlineRefs: false, code: { optimize: false } }, { allErrors: false, verbose: true, inlineRefs: false, code: { optimize: false } }, { allErrors: true, verbose: true, inlineRefs: false, code: { optimize: 1 } }]) {
  const ajv = new Ajv({ strict: false, validateSchema: false, logger: false, ...opts } as any);
  addFormats(ajv);
  ajv.addSchema(spec, "https://x/w.json");
  let t = performance.now();
  for (const key of ["push", "pull-request-opened", "pull-request-synchronize", "issue-comment-created"]) {
    ajv.compile({ $ref: "https://x/w.json" + spec.webhooks[key].post.requestBody.content["application/json"].schema.$ref });
  }
  console.log(JSON.stringify(opts), performance.now() - t);
}
