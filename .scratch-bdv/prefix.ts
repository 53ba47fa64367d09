import { compileDefinitions } from "../src/core/bdv/expressions.ts";
import { readJavaScriptSteps } from "../src/core/bdv/steps/javascript.ts";
const r = readJavaScriptSteps("a.ts", `import { Given } from "@cucumber/cucumber";
Given("the customer order(s) {int} parcels for {string}", () => {});
Given(/^the customer orders? (\\d+) parcels from "([^"]*)"$/, () => {});
`);
const c = compileDefinitions([r]);
for (const d of c.definitions) console.log(JSON.stringify(d.prefix), d.status);
