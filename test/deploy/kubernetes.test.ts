/**
 * deploy/kubernetes: every manifest validates against the Kubernetes API's JSON schemas (npm
 * kubernetes-models, Kubernetes 1.27), and agrees with the app: the probes and the scrape path are
 * routes the running app answers, every variable is one the app reads, Secret and ConfigMap
 * references name keys that exist, only the migration Job sees the owner's credentials.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { APP_ENV_NAMES } from "../../src/env/app-env.ts";
import { type AppHarness, startAppHarness } from "../github/app-harness.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";

const DIR = new URL("../../deploy/kubernetes/", import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, validated by the models below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
}

const documents: Array<{ file: string; manifest: Manifest }> = FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, DIR), "utf8")).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return { file, manifest: doc.toJS() as Manifest };
  }),
);
const find = (kind: string, name: string) =>
  documents.find((d) => d.manifest.kind === kind && d.manifest.metadata?.name === name)?.manifest;
const deployment = find("Deployment", "maestro-hive")!;
const job = find("Job", "maestro-hive-migrate")!;
const configMap = find("ConfigMap", "maestro-hive")!;
const app = deployment.spec.template.spec.containers[0];

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

/** Kubernetes quantities in bytes (Mi, Gi). */
function bytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected quantity ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 ** 3 : 1024 ** 2);
}

describe("deploy/kubernetes", () => {
  it("validates every manifest against the Kubernetes schemas", () => {
    const kinds = documents.map((d) => `${d.manifest.apiVersion}/${d.manifest.kind}`);
    expect(kinds.sort()).toEqual(
      [
        "apps/v1/Deployment",
        "batch/v1/Job",
        "kustomize.config.k8s.io/v1beta1/Kustomization",
        "policy/v1/PodDisruptionBudget",
        "v1/ConfigMap",
        "v1/Secret",
        "v1/Secret",
        "v1/Service",
      ].sort(),
    );
    for (const { file, manifest } of documents) {
      if (manifest.kind === "Kustomization") continue;
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`]!;
      expect(() => new Model(manifest as never).validate(), file).not.toThrow();
    }
    // The schemas are not a formality: a probe without a port fails them.
    const broken = structuredClone(deployment);
    delete broken.spec.template.spec.containers[0].readinessProbe.httpGet.port;
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it("applies every manifest but the Secrets' example with kustomize", () => {
    const kustomization = documents.find((d) => d.manifest.kind === "Kustomization")!.manifest;
    expect([...(kustomization.resources ?? [])].sort()).toEqual(
      FILES.filter((f) => f !== "kustomization.yaml" && f !== "secrets.example.yaml").sort(),
    );
  });

  it("passes the app only variables it reads, from keys that exist", () => {
    const secrets = new Map(
      documents
        .filter((d) => d.manifest.kind === "Secret")
        .map((d) => [d.manifest.metadata?.name, Object.keys(d.manifest.stringData ?? {})]),
    );
    const runtime = new Set(["NODE_OPTIONS"]); // Node's own, not the app's
    for (const [name, container] of [
      ["app", app],
      ["migrate", job.spec.template.spec.containers[0]],
    ] as const) {
      for (const variable of container.env as Array<{
        name: string;
        valueFrom?: Record<string, { name: string; key: string }>;
      }>) {
        if (!runtime.has(variable.name))
          expect(APP_ENV_NAMES, `${name}: ${variable.name}`).toContain(variable.name);
        const secretRef = variable.valueFrom?.secretKeyRef;
        if (secretRef)
          expect(secrets.get(secretRef.name), `${name}: ${variable.name}`).toContain(secretRef.key);
        const configRef = variable.valueFrom?.configMapKeyRef;
        if (configRef) expect(Object.keys(configMap.data ?? {})).toContain(configRef.key);
      }
    }
    for (const key of Object.keys(configMap.data ?? {})) expect(APP_ENV_NAMES, key).toContain(key);
    for (const keys of secrets.values()) for (const key of keys) expect(APP_ENV_NAMES, key).toContain(key);
  });

  it("migrates as the owner; the app never sees the owner's credentials", () => {
    expect(job.spec.template.spec.containers[0].command).toEqual([
      "node",
      "bin/maestro-hive.js",
      "db",
      "migrate",
      "--app-role",
      "maestro_app",
    ]);
    expect(JSON.stringify(job)).toContain('"name":"maestro-hive-owner"');
    expect(JSON.stringify(deployment)).not.toContain("maestro-hive-owner");
    expect(find("Secret", "maestro-hive")?.stringData?.DATABASE_URL).toMatch(/^postgres:\/\/maestro_app:/);
    expect(find("Secret", "maestro-hive-owner")?.stringData?.DATABASE_URL).toMatch(
      /^postgres:\/\/maestro_owner:/,
    );
  });

  it("gives running jobs the grace period the README states, and memory for two large analyses", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(
      `terminationGracePeriodSeconds: ${deployment.spec.template.spec.terminationGracePeriodSeconds}`,
    );
    const { requests, limits } = app.resources;
    // README "Benchmarks": peak RSS 332 MB for a 30,000-file graph; two jobs per pod (MAESTRO_WORKERS).
    const workers = Number(configMap.data?.MAESTRO_WORKERS);
    expect(bytes(limits.memory)).toBeGreaterThanOrEqual(workers * 332e6 + 150e6);
    expect(bytes(requests.memory)).toBeLessThanOrEqual(bytes(limits.memory));
    const heapMiB = Number(
      /--max-old-space-size=(\d+)/.exec(
        app.env.find((e: { name: string }) => e.name === "NODE_OPTIONS").value,
      )?.[1],
    );
    expect(heapMiB * 1024 ** 2).toBeLessThan(bytes(limits.memory));
    // NODE_OPTIONS here replaces the image's: its flags (bench/app-memory measures the app with them) stay.
    const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");
    const imageFlags = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1]?.split(" ") ?? [];
    expect(imageFlags).toContain("--max-semi-space-size=4");
    const podFlags = app.env.find((e: { name: string }) => e.name === "NODE_OPTIONS").value.split(" ");
    for (const flag of imageFlags) expect(podFlags).toContain(flag);
    // The image's malloc settings (bench/app-memory measures the app with them too) are not replaced.
    const imageMalloc = [...dockerfile.matchAll(/^\s*(MALLOC_[A-Z_]+)=/gm)].map((m) => m[1]);
    expect(imageMalloc).toContain("MALLOC_MMAP_THRESHOLD_");
    for (const name of imageMalloc)
      expect(app.env.find((e: { name: string }) => e.name === name)).toBeUndefined();
  });

  describe("against the running app", () => {
    let database: TestDatabase;
    let h: AppHarness;
    beforeAll(async () => {
      database = await createTestDatabase("pglite");
      h = await startAppHarness(database);
    });
    afterAll(async () => {
      await h?.stop();
      await database?.close();
    });

    it("probes and scrapes routes the app answers", async () => {
      const paths = {
        liveness: app.livenessProbe.httpGet.path,
        readiness: app.readinessProbe.httpGet.path,
        startup: app.startupProbe.httpGet.path,
        metrics: deployment.spec.template.metadata.annotations["prometheus.io/path"],
      };
      expect(paths).toEqual({
        liveness: "/healthz",
        readiness: "/readyz",
        startup: "/healthz",
        metrics: "/metrics",
      });
      for (const [probe, path] of Object.entries(paths)) {
        const response = await fetch(`${h.app.url}${path}`);
        expect(response.status, `${probe} ${path}`).toBe(200);
      }
      expect(await (await fetch(`${h.app.url}/no-such-route`)).text()).toContain("no route");
      expect(app.ports[0].containerPort).toBe(3000);
      expect(configMap.data?.PORT).toBe("3000");
    });
  });
});
