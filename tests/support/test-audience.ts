/** PUBLIC_BASE_URL of every test app. */
export const TEST_BASE_URL = 'http://peerbridge.test';

/** The audience PeerBridge's test apps expect: `{PUBLIC_BASE_URL}/fhir`. */
export const TEST_AUDIENCE = `${TEST_BASE_URL}/fhir`;
