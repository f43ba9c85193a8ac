// X's official TypeScript/JavaScript SDK (@xdevplatform/xdk) against the X
// simulator. The only change is the base URL (a documented client option).
'use strict';
const { check, done, env } = require('./lib.cjs');
const { Client } = require('@xdevplatform/xdk');

(async () => {
  const client = new Client({ bearerToken: 'compat-token',
                              baseUrl: env('X_BASE_URL') });

  const known = ['1500000000000000001', '1500000000000000002'];
  const missing = '1500000000009999999';
  const res = await client.users.getByIds([...known, missing],
                                          { userFields: ['created_at'] });
  check(Array.isArray(res.data) && res.data.length === 2,
        'two known users come back in data');
  check(res.data.every((u) => known.includes(u.id)),
        'each user is the one asked for');
  check(Array.isArray(res.errors) && res.errors.length === 1,
        'the unknown id is a per-id error');

  const posts = await client.posts.getByIds(['1700000000000000001']);
  check(Array.isArray(posts.data) && posts.data[0].id === '1700000000000000001',
        'post lookup by ids');

  done('x');
})().catch((e) => {
  console.error('FAILED with exception:', e && (e.stack || e));
  process.exit(1);
});
