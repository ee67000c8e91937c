/**
 * Jest environment for the browser journeys: plain Node, plus a flag telling the support code's afterEach that the
 * test that just ran failed (so it can keep a screenshot and the page's HTML in test-results/).
 */
const { TestEnvironment } = require('jest-environment-node');

class E2EEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_start') {
      this.global.__E2E_CURRENT_TEST__ = { name: fullName(event.test), failed: false };
    } else if (event.name === 'test_fn_failure' || (event.name === 'hook_failure' && event.test)) {
      if (this.global.__E2E_CURRENT_TEST__) this.global.__E2E_CURRENT_TEST__.failed = true;
    }
  }
}

function fullName(test) {
  const names = [];
  for (let t = test; t && t.name !== 'ROOT_DESCRIBE_BLOCK'; t = t.parent) names.unshift(t.name);
  return names.join(' ');
}

module.exports = E2EEnvironment;
