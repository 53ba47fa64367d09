import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const spec = JSON.parse(readFileSync("/work/main/test/fixtures/github/webhook-schemas.json", "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
addFormats(ajv);
ajv.addSchema(spec, "https://fake/webhooks.json");
const ex = JSON.parse(readFileSync("/work/main/node_modules/@octokit/webhooks-examples/api.github.com/index.json", "utf8"));
for (const e of ex) {
  if (!["push","pull_request","check_run","check_suite","issue_comment","installation","installation_repositories"].includes(e.name)) continue;
  e.examples.forEach((p: any, i: number) => {
    const key = e.name.replaceAll("_","-") + (p.action ? "-" + p.action.replaceAll("_","-") : "");
    const ref = spec.webhooks[key]?.post.requestBody.content["application/json"].schema.$ref;
    if (!ref) { console.log("no schema", key); return; }
    const v = ajv.compile({ $ref: "https://fake/webhooks.json" + ref });
    const ok = v(p);
    console.log(key, i, ok ? "OK" : JSON.stringify(v.errors?.slice(0,4).map(x => `${x.instancePath} ${x.message}`)));
  });
}
