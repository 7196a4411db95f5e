// Jest runs each test file in its own VM context, but structuredClone comes from Node's main
// context, so its plain objects fail `value.constructor === Object` checks in libraries loaded
// inside the test context (oidc-provider clones its client metadata this way and then rejects it).
// Outside Jest there is one context and nothing to fix. This rebuilds cloned plain objects and
// arrays in the test context; every other value is kept as cloned.
const hostStructuredClone = globalThis.structuredClone;

function intoThisContext(value) {
  if (Array.isArray(value)) {
    return value.map(intoThisContext);
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value)?.constructor?.name === 'Object'
  ) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, intoThisContext(member)]));
  }
  return value;
}

globalThis.structuredClone = (value, options) => intoThisContext(hostStructuredClone(value, options));
