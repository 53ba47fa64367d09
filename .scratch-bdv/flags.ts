import { CucumberExpression, ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
const e = new CucumberExpression("the customer order(s) {int} parcels for {string}", new ParameterTypeRegistry());
console.log(e.regexp.flags, e.regexp.source);
