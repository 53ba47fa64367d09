import { parseFeature } from "../src/core/bdv/gherkin.ts";
console.log(parseFeature("a.feature", "Feature: A\n  Scenario: s\n    Given a\n    | a | b |\n    | c |\n  Oops here\n  Scenario: t\n    Given b\n").errors);
console.log(parseFeature("b.feature", "# language: xx\nFeature: A\n").errors);
console.log(parseFeature("c.feature", "Given a\nFeature: A\n").errors);
console.log(parseFeature("d.feature", "").document, parseFeature("d.feature", "").errors);
