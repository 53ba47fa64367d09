/**
 * The embedded database lets the event loop take a turn before each statement or transaction, and
 * hands its lock to urgent work (the webhook intake) before the rest (src/store/pglite-turns.ts).
 */
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../../src/store/connect.ts";
import { urgently } from "../../src/store/pglite-turns.ts";

describe("embedded database turns", () => {
  const pglite = openPglite();
  afterAll(() => pglite.close());

  it("lets a timer run between the statements of a chain", async () => {
    await pglite.query("select 1");
    let fired = false;
    let statementsBefore = -1;
    let done = 0;
    setTimeout(() => {
      fired = true;
      statementsBefore = done;
    }, 0);
    for (let i = 0; i < 50; i++) {
      await pglite.query("select $1::int as i", [i]);
      done += 1;
    }
    expect(fired).toBe(true);
    expect(statementsBefore).toBeLessThan(50);
  });

  it("runs an urgent transaction before the statements already waiting", async () => {
    const order: string[] = [];
    const others = Array.from({ length: 5 }, (_, i) =>
      pglite.query("select 1").then(() => order.push(`other ${i}`)),
    );
    const urgent = urgently(() =>
      pglite.transaction(async (tx) => {
        await tx.query("select 2");
        order.push("urgent");
      }),
    );
    await Promise.all([...others, urgent]);
    expect(order[0]).toBe("urgent");
    expect(order.slice(1)).toEqual(["other 0", "other 1", "other 2", "other 3", "other 4"]);
  });

  it("waits for the statements asked for before close", async () => {
    const own = openPglite();
    const answers = Promise.all([own.query("select 1 as n"), own.query("select 2 as n")]);
    await own.close();
    expect((await answers).map((r) => r.rows)).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    expect(own.closed).toBe(true);
  });
});
