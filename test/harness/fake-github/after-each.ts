/**
 * The shared afterEach (vitest `setupFiles`): after every test, every fake GitHub still running in
 * the file must have seen no request GitHub would refuse (bad body, bad auth, a 403/404 the test did
 * not declare with `expectRefusal`) and given no answer off GitHub's response schema. A test that
 * provokes violations on purpose takes them with `gh.takeViolations()`.
 */
import { afterEach, expect } from "vitest";
import { liveFakes } from "./server.ts";

afterEach(() => {
  const problems = liveFakes().flatMap((fake) => fake.takeProblems());
  expect(problems, "the fake GitHub saw requests GitHub would refuse or gave answers off its schema").toEqual(
    [],
  );
});
