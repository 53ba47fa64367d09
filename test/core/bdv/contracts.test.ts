import { describe, expect, it } from "vitest";
import { Binder, DEFAULT_BINDINGS, validateBindings } from "../../../src/core/bdv/binding.ts";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { loadSpec } from "../../../src/core/bdv/openapi.ts";
import { bdvConfig, brief, snapshotOf } from "./helpers.ts";

/** 1-based line of the first line containing `needle` (after `from`, if given). */
function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split("\n");
  const index = lines.findIndex((line, position) => position >= from && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

const USERS_SPEC = `openapi: 3.0.3
info:
  title: Users
  version: 1.2.0
servers:
  - url: https://api.example.com/{version}
    variables:
      version:
        default: v1
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        "200":
          description: ok
    post:
      operationId: createUser
      responses:
        "201":
          description: created
        "400":
          description: bad
  /users/{id}:
    parameters:
      - $ref: "#/components/parameters/id"
    get:
      operationId: getUser
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/User"
        "404":
          description: missing
        default:
          description: error
    delete:
      operationId: deleteUser
      responses:
        "204":
          description: gone
  /users/me:
    get:
      operationId: getMe
      responses:
        "200":
          description: me
  /agents/{code}:
    get:
      operationId: getAgent
      responses:
        2XX:
          description: ok
components:
  parameters:
    id:
      name: id
      in: path
      required: true
      schema:
        type: string
  schemas:
    User:
      type: object
      properties:
        manager:
          $ref: "#/components/schemas/User"
`;

const USERS_FEATURE = `@contract:users:v1
Feature: Users
  # @contract:users:v9 is a comment, not a tag

  Scenario: list
    When I send GET to "/v1/users?limit=5"
    Then the response status is 200

  Scenario: me
    When I make a GET request to "https://api.example.com/v1/users/me"
    Then the response status code is 404

  Scenario: one
    When I send GET to "/users/42"
    Then the response status is 500

  @contract:users:v1.3
  Scenario: create
    When the request "createUser" is sent
    Then the response status should be 201

  Scenario: unknown
    When I send GET to "/userz"
    And I send PATCH to "/users/42"
    And the request "createUsr" is sent
    And I send GET to "/agents/007/missions"

  @contract:billing:v1
  Scenario: another contract
    Given nothing is bound here

  Scenario Outline: agents
    When I send GET to "/agents/<code>"
    Then the response status is <status>

    @contract:users:v2
    Examples:
      | code | status |
      | 007  | 200    |
      | 008  | 404    |
`;

const CATCH_ALL = `import { Given } from "@cucumber/cucumber";\nGiven(/.*/, () => {});\n`;

describe("contract checks", () => {
  const config = bdvConfig({ contracts: [{ name: "users", spec: "api/users.yaml" }] });
  const result = runBdv({
    head: snapshotOf({
      "api/users.yaml": USERS_SPEC,
      "features/users.feature": USERS_FEATURE,
      "features/steps/all.ts": CATCH_ALL,
    }),
    config,
  });
  const at = (needle: string, from = 0) => lineOf(USERS_FEATURE, needle, from);

  it("reports exactly the unknown operations, undeclared statuses, version mismatches and uncovered operations", () => {
    expect(brief(result.findings)).toEqual([
      [
        "operation-not-covered",
        "info",
        "api/users.yaml",
        lineOf(USERS_SPEC, "    delete:"),
        "DELETE /users/{id}",
      ],
      ["undeclared-status", "error", "features/users.feature", at("status code is 404"), "GET /users/me 404"],
      ["undeclared-status", "warning", "features/users.feature", at("status is 500"), "GET /users/{id} 500"],
      [
        "contract-version-mismatch",
        "warning",
        "features/users.feature",
        at("@contract:users:v1.3"),
        "@contract:users:v1.3",
      ],
      ["unknown-operation", "error", "features/users.feature", at('GET to "/userz"'), "GET /userz"],
      ["unknown-operation", "error", "features/users.feature", at('PATCH to "/users/42"'), "PATCH /users/42"],
      ["unknown-operation", "error", "features/users.feature", at('"createUsr"'), 'operationId "createUsr"'],
      [
        "unknown-operation",
        "error",
        "features/users.feature",
        at("/agents/007/missions"),
        "GET /agents/007/missions",
      ],
      [
        "contract-version-mismatch",
        "error",
        "features/users.feature",
        at("@contract:billing:v1"),
        "@contract:billing:v1",
      ],
      [
        "contract-version-mismatch",
        "error",
        "features/users.feature",
        at("@contract:users:v2"),
        "@contract:users:v2",
      ],
      ["undeclared-status", "error", "features/users.feature", at("| 008"), "GET /agents/{code} 404"],
    ]);
  });

  it("explains unknown operations with the nearest match", () => {
    const messages = result.findings
      .filter((finding) => finding.type === "unknown-operation")
      .map((finding) => finding.message);
    expect(messages).toEqual([
      'Step "I send GET to "/userz"" uses GET /userz: no such operation in users. Did you mean GET /users?',
      'Step "I send PATCH to "/users/42"" uses PATCH /users/42: /users/42 exists but only for DELETE, GET. Did you mean GET /users/{id}?',
      'Step "the request "createUsr" is sent" uses operationId "createUsr": no such operation in users. Did you mean createUser?',
      'Step "I send GET to "/agents/007/missions"" uses GET /agents/007/missions: no such operation in users. Did you mean GET /agents/{code}?',
    ]);
  });

  it("compares versions major (error) and minor (warning), and names unknown contracts", () => {
    const versions = result.findings
      .filter((finding) => finding.type === "contract-version-mismatch")
      .map((finding) => finding.message);
    expect(versions).toEqual([
      "Tag @contract:users:v1.3 expects version 1.3, but users is version 1.2.0 (api/users.yaml).",
      'Tag @contract:billing:v1 names an unknown contract "billing" (configured: users).',
      "Tag @contract:users:v2 expects major version 2, but users is version 1.2.0 (api/users.yaml).",
    ]);
  });

  it("computes coverage per contract", () => {
    expect(result.summary.coverage).toEqual([
      { contract: "users", spec: "api/users.yaml", operations: 6, covered: 5, percent: 83.3 },
    ]);
  });

  it("does not call operations uncovered while a feature file does not parse (it may use them)", () => {
    const broken = runBdv({
      head: snapshotOf({
        "api/users.yaml": USERS_SPEC,
        "features/users.feature": "Feature: U\n  Scenario: s\n    When I send GET to /users/me\n  Oops\n",
        "features/steps/all.ts": CATCH_ALL,
      }),
      config: bdvConfig({ contracts: [{ name: "users", spec: "api/users.yaml" }] }),
    });
    expect(broken.findings.map((finding) => finding.type)).toEqual(["gherkin-parse-error"]);
    expect(broken.skippedChecks).toEqual(["unused-step-definition", "operation-not-covered"]);
    expect(broken.uncheckedFiles).toEqual(["features/users.feature"]);
  });

  it("uses configured bindings instead of the defaults", () => {
    const custom = runBdv({
      head: snapshotOf({
        "api/users.yaml": USERS_SPEC,
        "features/users.feature": "Feature: U\n  Scenario: s\n    When I call getMe\n    Then I get 418\n",
        "features/steps/all.ts": CATCH_ALL,
      }),
      config: bdvConfig({
        contracts: [{ name: "users", spec: "api/users.yaml" }],
        bindings: ["call {operationId}", "I get {status}", "broken {"],
      }),
    });
    // {operationId} only takes quoted names, so "call getMe" binds nothing and 418 has no request to apply to.
    expect(custom.findings.filter((finding) => finding.type !== "operation-not-covered")).toEqual([]);
    expect(custom.notices.map((notice) => notice.kind)).toEqual(["bdv-invalid-binding"]);
    const quoted = runBdv({
      head: snapshotOf({
        "api/users.yaml": USERS_SPEC,
        "features/users.feature": "Feature: U\n  Scenario: s\n    When I call `getMe`\n    Then I get 418\n",
        "features/steps/all.ts": CATCH_ALL,
      }),
      config: bdvConfig({
        contracts: [{ name: "users", spec: "api/users.yaml" }],
        bindings: ["call {operationId}", "I get {status}"],
      }),
    });
    expect(brief(quoted.findings.filter((finding) => finding.type !== "operation-not-covered"))).toEqual([
      ["undeclared-status", "error", "features/users.feature", 4, "GET /users/me 418"],
    ]);
  });

  it("reports a missing or unreadable spec as invalid-contract", () => {
    const broken = runBdv({
      head: snapshotOf({
        "api/bad.yaml": "openapi: 3.0.0\ninfo: [unclosed\n",
        "features/steps/all.ts": CATCH_ALL,
      }),
      config: bdvConfig({
        contracts: [
          { name: "bad", spec: "api/bad.yaml" },
          { name: "gone", spec: "api/gone.yaml" },
          { name: "notapi", spec: "api/bad.yaml" },
        ],
      }),
    });
    expect(brief(broken.findings.filter((finding) => finding.type === "invalid-contract"))).toEqual([
      ["invalid-contract", "error", null, null, "api/gone.yaml"],
      ["invalid-contract", "error", "api/bad.yaml", 3, "api/bad.yaml"],
      ["invalid-contract", "error", "api/bad.yaml", 3, "api/bad.yaml"],
    ]);
  });
});

describe("bindings", () => {
  const binder = new Binder(DEFAULT_BINDINGS);

  it("reads method, path, operationId and status from common phrasings", () => {
    expect(binder.bind('I send GET to "/users/{id}"')).toEqual({
      request: { method: "GET", path: "/users/{id}", operationId: null },
      status: null,
    });
    expect(binder.bind("I make a post request to /v2/pet?x=1.")).toEqual({
      request: { method: "POST", path: "/v2/pet", operationId: null },
      status: null,
    });
    expect(binder.bind("When DELETE /users/1")).toEqual({
      request: { method: "DELETE", path: "/users/1", operationId: null },
      status: null,
    });
    expect(binder.bind('the request "createSession" is sent')).toEqual({
      request: { method: null, path: null, operationId: "createSession" },
      status: null,
    });
    expect(binder.bind("the response status code is 400")).toEqual({ request: null, status: "400" });
    expect(binder.bind("Then status 200")).toEqual({ request: null, status: "200" });
    expect(binder.bind("I receive a 201 response")).toEqual({ request: null, status: "201" });
  });

  it("does not bind ordinary sentences", () => {
    for (const text of [
      "the request body is sent",
      "I budget /x",
      "I have 200 cukes",
      "the operation succeeds",
    ]) {
      expect(binder.bind(text), text).toEqual({ request: null, status: null });
    }
  });

  it("validates configured binding expressions", () => {
    expect(validateBindings(["{method} {path}", "bad {"]).map((problem) => problem.expression)).toEqual([
      "bad {",
    ]);
  });
});

describe("OpenAPI loading", () => {
  it("reads Swagger 2 JSON with basePath, body parameters and positions", () => {
    const json = JSON.stringify(
      {
        swagger: "2.0",
        info: { title: "Pets", version: "2.0.1" },
        basePath: "/api",
        paths: {
          "/pets": {
            post: {
              operationId: "addPet",
              parameters: [
                { in: "body", name: "pet", required: true, schema: { $ref: "#/definitions/Pet" } },
              ],
              responses: { "200": { description: "ok", schema: { $ref: "#/definitions/Pet" } } },
            },
          },
        },
        definitions: {
          Pet: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
        },
      },
      null,
      2,
    );
    const loaded = loadSpec("api/pets.json", json);
    if (!loaded.ok) throw new Error(loaded.message);
    const [operation] = loaded.spec.operations;
    expect(loaded.spec.format).toBe("swagger-2");
    expect(loaded.spec.basePaths).toEqual(["/api"]);
    expect(operation?.key).toBe("POST /pets");
    expect(operation?.position.line).toBe(lineOf(json, '"post"'));
    expect(operation?.requestBody?.required).toBe(true);
    expect(loaded.spec.resolve(operation?.requestBody?.content.get("application/json"))).toMatchObject({
      required: ["name"],
    });
  });

  it("survives circular $refs", () => {
    const loaded = loadSpec(
      "a.yaml",
      "openapi: 3.1.0\ninfo: {title: a, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    );
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.spec.format).toBe("openapi-3.1");
    expect(loaded.spec.resolve({ $ref: "#/components/schemas/A" })).toBeUndefined();
  });
});
