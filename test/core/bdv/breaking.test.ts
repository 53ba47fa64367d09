import { describe, expect, it } from "vitest";
import { diffSpecs } from "../../../src/core/bdv/breaking.ts";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { loadSpec } from "../../../src/core/bdv/openapi.ts";
import type { Finding } from "../../../src/core/findings.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

const BASE_SPEC = `openapi: 3.0.3
info: {title: Orders, version: 1.0.0}
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: status, in: query, schema: {type: string, enum: [open, closed, cancelled]}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Order"}
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewOrder"}
      responses:
        "201": {description: created}
        "200": {description: ok}
  /orders/{id}:
    get:
      operationId: getOrder
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
    delete:
      operationId: deleteOrder
      responses:
        "204": {description: gone}
components:
  schemas:
    Order:
      type: object
      required: [id, total]
      properties:
        id: {type: string}
        total: {type: number}
        note: {type: string}
        parent: {$ref: "#/components/schemas/Order"}
    NewOrder:
      type: object
      properties:
        item: {type: string}
        quantity: {type: integer}
        coupon: {type: string}
`;

const HEAD_SPEC = `openapi: 3.0.3
info: {title: Orders, version: 1.1.0}
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer}}
        - {name: status, in: query, schema: {type: string, enum: [open, closed]}}
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Order"}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewOrder"}
      responses:
        "201": {description: created}
  /orders/{orderId}:
    get:
      operationId: getOrder
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
components:
  schemas:
    Order:
      type: object
      required: [id]
      properties:
        id: {type: string}
        total: {type: number}
        parent: {$ref: "#/components/schemas/Order"}
    NewOrder:
      type: object
      required: [item, quantity, address]
      properties:
        item: {type: string}
        quantity: {type: string}
        coupon: {type: string}
        address: {type: string}
`;

const STEPS = `import { Given } from "@cucumber/cucumber";\nGiven(/.*/, () => {});\n`;
const DELETE_FEATURE = `Feature: Delete\n  Scenario: delete\n    When I send DELETE to "/orders/1"\n    Then the response status is 204\n`;
const GET_FEATURE = `Feature: Get\n  Scenario: get\n    When I send GET to "/orders/1"\n    Then the response status is 200\n`;

function files(spec: string) {
  return {
    "api/orders.yaml": spec,
    "features/delete.feature": DELETE_FEATURE,
    "features/get.feature": GET_FEATURE,
    "features/steps/all.ts": STEPS,
  };
}

/** Breaking changes as [severity, file, line, message], in the engine's order (file, line, message). */
function breaking(findings: readonly Finding[]) {
  return findings
    .filter((finding) => finding.type === "breaking-change")
    .map((finding) => [finding.severity, finding.file, finding.line, finding.message]);
}

function inReportOrder(rows: (string | number | null)[][]) {
  const text = (value: unknown) => String(value);
  const compare = (a: unknown, b: unknown) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
  return [...rows].sort((a, b) => compare(a[1], b[1]) || Number(a[2]) - Number(b[2]) || compare(a[3], b[3]));
}

const config = bdvConfig({ contracts: [{ name: "orders", spec: "api/orders.yaml" }] });

describe("breaking-change", () => {
  it("finds every breaking change between base and head, on the head operation line or the referencing step", () => {
    const result = runBdv({
      head: snapshotOf(files(HEAD_SPEC)),
      base: snapshotOf(files(BASE_SPEC)),
      config,
      changedFiles: new Set(["api/orders.yaml", "features/get.feature"]),
    });
    const list = lineOf(HEAD_SPEC, "    get:");
    const create = lineOf(HEAD_SPEC, "    post:");
    const get =
      lineOf(HEAD_SPEC.split("/orders/{orderId}")[1] ?? "", "    get:") +
      lineOf(HEAD_SPEC, "/orders/{orderId}") -
      1;
    const accepted = " (accepted: features/get.feature, which exercises this operation, changed too)";
    expect(breaking(result.findings)).toEqual(
      inReportOrder([
        [
          "error",
          "api/orders.yaml",
          list,
          'Breaking change in orders (api/orders.yaml): GET /orders: new required header parameter "X-Tenant".',
        ],
        [
          "error",
          "api/orders.yaml",
          list,
          'Breaking change in orders (api/orders.yaml): GET /orders: query parameter "limit" became required.',
        ],
        [
          "error",
          "api/orders.yaml",
          list,
          'Breaking change in orders (api/orders.yaml): GET /orders: query parameter "status" no longer accepts "cancelled".',
        ],
        [
          "error",
          "api/orders.yaml",
          list,
          "Breaking change in orders (api/orders.yaml): GET /orders: response property [].total became optional.",
        ],
        [
          "error",
          "api/orders.yaml",
          list,
          "Breaking change in orders (api/orders.yaml): GET /orders: response property [].note was removed.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: success status 200 was removed.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: the request body became required.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: request property item became required.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: request property quantity became required.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: new required request property address.",
        ],
        [
          "error",
          "api/orders.yaml",
          create,
          "Breaking change in orders (api/orders.yaml): POST /orders: type of quantity changed from integer to string.",
        ],
        [
          "info",
          "api/orders.yaml",
          get,
          `Breaking change in orders (api/orders.yaml): GET /orders/{orderId}: response property total became optional${accepted}.`,
        ],
        [
          "info",
          "api/orders.yaml",
          get,
          `Breaking change in orders (api/orders.yaml): GET /orders/{orderId}: response property note was removed${accepted}.`,
        ],
        [
          "error",
          "features/delete.feature",
          3,
          "Breaking change in orders (api/orders.yaml): DELETE /orders/{id} was removed.",
        ],
      ]),
    );
    expect(result.summary.breakingChanges).toBe(14);
  });

  it("accepts every change when the major version was bumped", () => {
    const result = runBdv({
      head: snapshotOf(files(HEAD_SPEC.replace("version: 1.1.0", "version: 2.0.0"))),
      base: snapshotOf(files(BASE_SPEC)),
      config,
      changedFiles: new Set(["api/orders.yaml"]),
    });
    const found = breaking(result.findings);
    expect(found).toHaveLength(14);
    expect(new Set(found.map(([severity]) => severity))).toEqual(new Set(["info"]));
    expect(found[0]?.[3]).toContain("(accepted: orders major version bumped from 1.0.0 to 2.0.0)");
  });

  it("annotates a removed operation nobody references on line 1 of the head spec", () => {
    const result = runBdv({
      head: snapshotOf({
        ...files(HEAD_SPEC),
        "features/delete.feature": "Feature: Delete\n  Scenario: nothing\n    Given nothing\n",
      }),
      base: snapshotOf(files(BASE_SPEC)),
      config,
    });
    const removed = breaking(result.findings).filter(([, , , message]) =>
      /\): [A-Z]+ \S+ was removed\.$/.test(String(message)),
    );
    expect(removed).toEqual([
      [
        "error",
        "api/orders.yaml",
        1,
        "Breaking change in orders (api/orders.yaml): DELETE /orders/{id} was removed.",
      ],
    ]);
  });

  it("finds no change between a spec and itself reformatted (cycles included)", () => {
    const base = loadSpec("a.yaml", BASE_SPEC);
    const reformatted = loadSpec(
      "a.yaml",
      `# reformatted\n${BASE_SPEC.replace("info: {title: Orders, version: 1.0.0}", "info:\n  title: Orders\n  version: 1.0.0")}`,
    );
    if (!base.ok || !reformatted.ok) throw new Error("spec did not load");
    expect(diffSpecs(base.spec, reformatted.spec)).toEqual([]);
  });

  it("reports nothing when the spec is unchanged or did not exist at the base", () => {
    const same = runBdv({ head: snapshotOf(files(BASE_SPEC)), base: snapshotOf(files(BASE_SPEC)), config });
    expect(breaking(same.findings)).toEqual([]);
    const { "api/orders.yaml": _spec, ...withoutSpec } = files(BASE_SPEC);
    const added = runBdv({ head: snapshotOf(files(HEAD_SPEC)), base: snapshotOf(withoutSpec), config });
    expect(breaking(added.findings)).toEqual([]);
  });
});
