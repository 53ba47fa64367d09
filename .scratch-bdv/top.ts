import { readdirSync, readFileSync } from "node:fs";
const dir = process.argv[2] ?? ".scratch-bdv/prof";
const file = readdirSync(dir).sort().pop()!;
const prof = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
const self = new Map<string, number>();
const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const dt = prof.timeDeltas as number[];
prof.samples.forEach((id: number, i: number) => {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join("\n"));
