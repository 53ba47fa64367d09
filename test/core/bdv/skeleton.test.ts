import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: 2.1.0 }
servers: [{ url: https://api.example.com/v2 }]
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/NewOrder" }
      responses:
        "422": { description: invalid }
        "201": { description: created }
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - { name: orderId, in: path, required: true, schema: { type: integer, minimum: 7 } }
      responses:
        "200": { description: ok }
components:
  schemas:
    NewOrder:
      type: object
      required: [item]
      properties:
        item: { type: string, example: apples }
        count: { type: integer, minimum: 1 }
        deliverOn: { type: string, format: date }
        tags: { type: array, items: { type: string, enum: [gift, express] } }
        address: { allOf: [{ $ref: "#/components/schemas/Address" }] }
    Address:
      type: object
      properties:
        city: { type: string }
`;

const STEPS = `import { Given, When, Then } from "@cucumber/cucumber";
When("I send a {word} request to {string}", function () {});
When("I send a {word} request to {string} with the body:", function () {});
Then("the response status should be {int}", function () {});
`;

const config = bdvConfig({ contracts: [{ name: "Orders", spec: "api/orders.yaml" }] });

function uncovered(files: Record<string, string>) {
  return runBdv({ head: snapshotOf(files), config }).findings.filter(
    (f) => f.type === "operation-not-covered",
  );
}

describe("scenario skeletons for uncovered operations", () => {
  it("carry a ready-to-paste scenario: method, concrete path, first success status, example body", () => {
    const findings = uncovered({ "api/orders.yaml": SPEC, "features/steps/steps.js": STEPS });
    expect(findings.map((f) => f.target)).toEqual(["POST /orders", "GET /orders/{orderId}"]);
    expect(findings[0]!.details).toBe(`A scenario to start from:

@contract:Orders:v2
Scenario: createOrder answers 201
  When I send a POST request to "/v2/orders" with the body:
    """json
    {
      "item": "apples",
      "count": 1,
      "deliverOn": "2026-01-31",
      "tags": [
        "gift"
      ],
      "address": {
        "city": "string"
      }
    }
    """
  Then the response status should be 201`);
    expect(findings[1]!.details).toContain('When I send a GET request to "/v2/orders/7"');
  });

  it("pasted into a feature, the skeletons cover their operations and bind without a finding", () => {
    const files = { "api/orders.yaml": SPEC, "features/steps/steps.js": STEPS };
    const skeletons = uncovered(files).map((f) => f.details!.replace("A scenario to start from:\n\n", ""));
    const feature = `Feature: Orders\n\n${skeletons.map((s) => s.replace(/^/gm, "  ")).join("\n\n")}\n`;
    const after = runBdv({ head: snapshotOf({ ...files, "features/orders.feature": feature }), config });
    expect(after.findings.filter((f) => f.severity !== "info" || f.type === "operation-not-covered")).toEqual(
      [],
    );
    expect(after.summary.coverage).toEqual([expect.objectContaining({ operations: 2, covered: 2 })]);
  });
});
