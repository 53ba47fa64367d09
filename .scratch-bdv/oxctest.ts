import { parseSync } from "oxc-parser";
const src = `// é comment ü
import { Given as G, defineParameterType } from "@cucumber/cucumber";
G(/^a (\\d+) thing$/i, function () {});
G(\`tmpl {int}\`, () => {});
`;
const r = parseSync("x.ts", src);
console.log(JSON.stringify(r.program.body.slice(1), null, 1).slice(0, 3000));
console.log(r.errors);
