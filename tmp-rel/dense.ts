import { parseSync } from "oxc-parser";
const kb = Number(process.argv[2]);
const src = `export const a = [${"1,".repeat(kb * 512)}];`;
const r = parseSync("a.ts", src, { lang: "ts", sourceType: "module", experimentalLazy: true } as never) as { errors: unknown[] };
console.log("ok", kb, src.length, r.errors.length);
