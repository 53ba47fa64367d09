import { compileDefinitions } from "../src/core/bdv/expressions.ts";
import { readJavaScriptSteps } from "../src/core/bdv/steps/javascript.ts";
const SUBJECTS = ["I", "the customer", "an admin", "the system", "a guest", "the courier", "my manager", "the shop", "our partner", "the auditor"];
const VERBS = ["order", "cancel", "approve", "ship", "return", "refund", "inspect", "archive", "price", "count"];
const OBJECTS = ["parcels", "invoices", "coupons", "baskets", "tickets"];
const lines = ['import { Given } from "@cucumber/cucumber";'];
for (const s of SUBJECTS) for (const v of VERBS) for (const o of OBJECTS) lines.push(`Given(${JSON.stringify(`${s} ${v}(s) {int} ${o} for {string}`)}, () => {});`);
const c = compileDefinitions([readJavaScriptSteps("a.ts", lines.join("\n"))]);
const texts = Array.from({length: 29000}, (_, i) => `the customer order ${i} parcels for "client ${i % 90}"`);
const defs = c.definitions.filter(d => d.prefix.startsWith("the "));
console.log(defs.length);
let t = performance.now();
let n = 0;
for (const text of texts) { const lower = text.toLowerCase(); for (const d of defs) if (lower.startsWith(d.prefix)) n++; }
console.log("startsWith loop", performance.now() - t, n);
t = performance.now();
for (const text of texts) { for (const d of defs) if (d.prefix && text.toLowerCase().startsWith(d.prefix) && d.test(text)) n++; }
console.log("test loop", performance.now() - t, n);
t = performance.now();
const only = defs.filter(d => d.prefix === "the customer order");
for (const text of texts) { for (const d of only) d.test(text); }
console.log("tests only", performance.now() - t, only.length);
