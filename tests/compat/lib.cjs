// Tiny assertion helpers shared by the compat scripts (no test framework:
// each script is one check list that exits non-zero on the first failure).
'use strict';
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
}
function done(name) {
  console.log(`${name}: ${checks} checks passed`);
}
function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return v;
}
module.exports = { check, done, env };
