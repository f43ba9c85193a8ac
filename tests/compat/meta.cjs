// Meta's official Node SDK (facebook-nodejs-business-sdk) against the Meta
// simulator. The only change is the base URL (FacebookAdsApi.GRAPH).
'use strict';
const { check, done, env } = require('./lib.cjs');
const sdk = require('facebook-nodejs-business-sdk');

const base = env('META_BASE_URL');
Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', { get: () => base });

(async () => {
  const api = sdk.FacebookAdsApi.init('compat-token', 'en_US', false);

  // A node read with fields.
  const account = new sdk.AdAccount('act_10000000000001');
  const info = await account.read(['name', 'account_status', 'currency']);
  check(info.id === 'act_10000000000001', 'ad account read returns its id');
  check(typeof info.name === 'string' && info.name.length > 0,
        'ad account has a name');

  // An edge with cursor paging: the SDK follows paging.next itself.
  const campaigns = await account.getCampaigns(['name', 'status'],
                                               { limit: 1 });
  check(campaigns.length === 1, 'first campaign page has limit=1 item');
  check(typeof campaigns[0].name === 'string', 'campaign has a name');
  check(campaigns.hasNext(), 'the first page links to the next one');
  const firstId = campaigns[0].id;
  await campaigns.next();  // the cursor loads the next page in place
  check(campaigns.length === 1 && campaigns[0].id !== firstId,
        'next page brings another campaign');

  // The Batch API through the SDK's own batch object.
  const results = [];
  const batch = new sdk.FacebookAdsApiBatch(api);
  for (const id of ['act_10000000000001', 'act_10000000000002']) {
    batch.add('GET', id, { fields: 'name' }, null,
              (r) => results.push(['ok', r]),
              (r) => results.push(['err', r]));
  }
  batch.add('GET', 'act_99999999999999', { fields: 'name' }, null,
            (r) => results.push(['ok', r]), (r) => results.push(['err', r]));
  await batch.execute();
  check(results.length === 3, 'every batch operation gets a callback');
  check(results.filter((r) => r[0] === 'ok').length === 2,
        'the two known accounts succeed in the batch');
  check(results.filter((r) => r[0] === 'err').length === 1,
        'the unknown account fails alone');

  // An unknown object: a Graph error the SDK turns into FacebookRequestError.
  let error = null;
  try {
    await new sdk.AdAccount('act_99999999999999').read(['name']);
  } catch (e) {
    error = e;
  }
  check(error !== null, 'unknown account raises');
  check(error.status === 400 || error.status === 404,
        `unknown account is a 4xx (got ${error && error.status})`);

  done('meta');
})().catch((e) => {
  console.error('FAILED with exception:', e && (e.stack || e));
  process.exit(1);
});
