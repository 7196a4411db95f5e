/**
 * DEV-ONLY FIXTURE — NOT A SECRET, NEVER TRUST IT.
 *
 * The private keys of the sandbox's demo backend-services client (`peerbridge-demo-backend`), published
 * on purpose so tests and `npm run token` can sign client assertions. The sandbox refuses to start
 * with NODE_ENV=production, so these keys can only ever mint tokens for a development server. A real
 * backend client keeps its private key to itself and registers only the public half.
 */
export const DEMO_BACKEND_PRIVATE_JWKS = {
  keys: [
    {
      kty: 'RSA',
      kid: 'demo-backend-rs384',
      alg: 'RS384',
      use: 'sig',
      n: 'o5VA1uIxihQ1x8VJ7KFsNoOwBJdSA8JHM-xk7q9XisyDKBuvAWhjklmWjgOSxaqGrd-1XI5dNulvMwaTdRx0_FJNzh-IADBJ92-fQq-UPEa3p9rLRfTkZ0BYG1MiiMeZuecHhOhHrfOtlxnitaio6QRxLTECeGCmUz6xK5AAwyp9fhlsjtnveTe_EAk-Br-xAVPdX_JTER09jsxRvj7FJ9BxisQP8H1b29K27IojPZFW-N38LWy87cCwVwAhYrAMvQ_T7repA41E8BEX_PiYBdtPm_tb9d0tA-EK_qf41ChR0JUuKsWZT-KJlgFl98VvbHfqBeDQzkDWL760wMQaVw',
      e: 'AQAB',
      d: 'Du4Y6GPlrJoSnISTri6_fyw-vPSIrkIlmIYbYjOLtGXdFKSOMP0zlVBq7tRBqZvaRfVUirmNpWzh0tDnVXl-7eafJlB3a7j8j0JXUVFQIL49lergwaZL0Gatg_TvAnfhPnfpFkbS__vtHIzmxbi6jeXzZHIELTN5CsD-j6DJiQZqprXuF0k1Oc7CdiEEMCAYHNX9VYKSy7btbN7XrEd4kufCToJgrorX9BjwbnqnR07MKffLmCgMUbvv1nac9aOFB_bZROjYgY7fL1zO1LBpQLewtQJYEjA5r4Kt7_PO8rb4ULjm-eC5XYQoi9_7XVnu18dRIhCKpaM86CREHObfGQ',
      p: '5l5vOt0CzPLGVr2_ZiLfPQuiLO6IwTbbi4M1W6I8wRO-qxErOAiC2RsvzYhzDR2LTXzADOPknMkqF1VYPehmmbkT_dRm38hx1OeQoP1lswvYtzd2_x3ZW3P3yuN_tyXjX6yfu85O4uIDKRUj6iNiz1rfBQ1vA-mpSqyEiF58GPk',
      q: 'tciQ7hXDKzZufFWmKvTKowqN1o4iXHLuYcj7ywcCTOfSo2PY8pK4_HlsjmIYris7yxgvEqmQ1gvh65G9UAaPcG1LfvmiRzvybRdq3Vn0Q4jf2JUBdapmeY7eS9PHr4s4gvZ51faHvG6e2vhhDs6oraXzrJEkfzomv03Zll4Wcc8',
      dp: 'ElTLZxS1J1fePoLE2zzFJNdrJUYp7a4O1FAxi8QiL38Buh0YolHTD7GhISrNdOq37geSRLRRucQsLEUnS23V1D-s_pLLSN1raXSvxo_DavbzXMj2GCDo7eURf7yQqiNCr5dN8qTdFCLF-5vqCrScJUHm40EJZ3dNeFq4BR33pAk',
      dq: 'fUsPcbp4Oembf4E9NfBhVr0ohBCVaGkjGyz_N7HOCRnj2hAw8QjmDcbXZtAAONO9s78oetF67b1k6wwZkvXimdgLKCqBil2sOzrfwk-FB6Novgv95I8dcH1jhJok0T7BJasi0LHKXrtULJLzutP_-Sgf6vpjUHnRSRwsc_LHv4s',
      qi: 'RbEES6YfavKPsLR4T17K9TNMAq-iF6iaYz64gWtO3g_XVu4NX6cZRwHHkGXz4T9ELtwZirHISdsKmege44SjsTfTdPnyfPDeZjzCbLGCzDZbwoszUrnUzUcKQeeVKzUUNZKjUuNamuYRQ2latcR1d7VRRlr8nEiR_soqUSn971w',
    },
    {
      kty: 'EC',
      kid: 'demo-backend-es384',
      alg: 'ES384',
      use: 'sig',
      x: 'GeJ901B7Y_NNMePCVXRpNGcmmfU9GD0lwuvP3CQJ6_zJDkF2ZzoQVth--JCy27lw',
      y: 'diIwAt-oSqlce_zBiI6l4MXpBKXs2RUbPTNmGSMC5aE0RnYVMXS9pMYsXBvY6Of6',
      crv: 'P-384',
      d: 'WDdl0Vj7Cu37u3fwrATnZwLklaqNU5115JPsjFarEPErY0RkDzjQvf1edOCfQzhH',
    },
  ],
} as const;

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

/** The public half, as the client would register it. */
export const DEMO_BACKEND_PUBLIC_JWKS = {
  keys: DEMO_BACKEND_PRIVATE_JWKS.keys.map((key) =>
    Object.fromEntries(Object.entries(key).filter(([member]) => !PRIVATE_MEMBERS.has(member))),
  ),
};
