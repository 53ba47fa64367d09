/**
 * `check --format html` in a real browser: Debian's Chromium, headless, with every host name
 * resolving to nothing, renders the page the CLI wrote — the findings, an <svg> with one node
 * per component — and a hostile page runs no script. Skipped (with the reason) when no
 * Chromium is installed: `apt-get install chromium`, or set CHROMIUM=/path/to/chrome.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { renderHtml } from "../../src/core/report/html.ts";
import { hostileConfig, hostileResult } from "../core/report/hostile-fixture.ts";
import { GitRepo } from "../harness/git-repo.ts";

/** CHROMIUM, when set, is the only browser tried (CHROMIUM=none forces the skip). */
const CANDIDATES = process.env.CHROMIUM
  ? [process.env.CHROMIUM]
  : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const CHROMIUM = CANDIDATES.find((path) => existsSync(path));
if (!CHROMIUM)
  console.warn(
    `check-html-browser.test.ts skipped: no Chromium at ${CANDIDATES.join(" or ")} (apt-get install chromium, or set CHROMIUM)`,
  );

const CONFIG = `acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
  suppressions:
    - { id: old-data, level: file, pattern: "src/data/old.ts", justification: "being rewritten", expires: "2099-01-01" }
`;

/** Chromium with no network: every name resolves to nothing, so any request would fail. */
function chromium(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(
    CHROMIUM!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-extensions",
      "--host-resolver-rules=MAP * ~NOTFOUND",
      "--window-size=1200,1600",
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
  );
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe.skipIf(!CHROMIUM)("check --format html in headless Chromium, offline", () => {
  let repo: GitRepo;
  let dir: string;
  let page: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "maestro-html-"));
    repo = GitRepo.create();
    repo.commit("c", {
      ".github/maestro-hive.yml": CONFIG,
      "src/ui/page.ts": 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
      "src/domain/rule.ts": 'import { page } from "../ui/page.ts";\nexport const rule = page;\n',
      "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = rule;\n',
      "src/data/old.ts": 'import { page } from "../ui/page.ts";\nexport const old = page;\n',
    });
    const io = memoryIo(tmpdir(), { MAESTRO_CACHE_DIR: join(dir, "cache") });
    const code = await main(["check", repo.dir, "--format", "html"], io);
    expect(code).toBe(1);
    page = join(dir, "report.html");
    writeFileSync(page, io.stdout.join(""));
  }, 60_000);
  afterAll(() => {
    repo?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders the findings and an svg with one node per component, with every request blocked", () => {
    const { stdout, status } = chromium("--dump-dom", pathToFileURL(page).href);
    expect(status).toBe(0);
    expect(stdout).toContain("Maestro Hive: ARCHITECTURAL_EROSION");
    expect(stdout).toContain('<table id="findings">');
    expect(stdout).toContain("src/domain/rule.ts:1");
    expect(stdout).toMatch(/<svg[^>]*aria-label="Component graph"/);
    const nodes = [...stdout.matchAll(/<g class="node" data-node="([^"]*)"/g)].map((m) => m[1]).sort();
    expect(nodes).toEqual(["data", "domain", "ui"]);
    expect(stdout).toMatch(/<g class="edge bad"><title>domain → ui/);
    expect(stdout).toContain("old-data");
  }, 90_000);

  it("takes a screenshot of the full page", () => {
    const png = join(dir, "report.png");
    const { status } = chromium(`--screenshot=${png}`, pathToFileURL(page).href);
    expect(status).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    // 1200×1600 with the page drawn on it: far more than a blank image's few kilobytes.
    expect(bytes.readUInt32BE(16)).toBe(1200);
    expect(bytes.readUInt32BE(20)).toBe(1600);
    expect(statSync(png).size).toBeGreaterThan(30_000);
  }, 90_000);

  it("a page of hostile names has no script element and shows the names as text", async () => {
    const hostile = join(dir, "hostile.html");
    writeFileSync(
      hostile,
      renderHtml(await hostileResult(), { components: hostileConfig().acc?.components }),
    );
    const { stdout, status } = chromium("--dump-dom", pathToFileURL(hostile).href);
    expect(status).toBe(0);
    expect(stdout).not.toMatch(/<script|<img/i);
    // No element got an event handler: each tag's attribute names, quoted values removed.
    const attributeNames = (stdout.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
    expect(attributeNames.filter((tag) => /\son\w+\s*=/i.test(tag))).toEqual([]);
    expect(stdout).toContain('data-node="core&quot; onload=&quot;alert(2)"');
    expect(stdout.match(/<svg/g)).toHaveLength(1);
    expect(stdout).toContain("&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(stdout.match(/<g class="node"/g)).toHaveLength(2);
  }, 90_000);
});
