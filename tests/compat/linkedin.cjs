// LinkedIn's official Node client (linkedin-api-client) against the LinkedIn
// simulator. The only change is the base URL constant.
'use strict';
const { check, done, env } = require('./lib.cjs');
const constants = require('linkedin-api-client/dist/lib/utils/constants');
const { RestliClient } = require('linkedin-api-client');

constants.VERSIONED_BASE_URL = env('LINKEDIN_BASE_URL') + '/rest';
constants.NON_VERSIONED_BASE_URL = env('LINKEDIN_BASE_URL') + '/v2';

(async () => {
  const client = new RestliClient();
  const common = { accessToken: 'compat-token', versionString: env('LINKEDIN_VERSION') };

  // GET one entity.
  const one = await client.get({
    resourcePath: '/adAccounts/{id}', pathKeys: { id: 508000001 }, ...common,
  });
  check(one.status === 200, 'GET adAccounts/{id} is 200');
  check(String(one.data.id) === '508000001', 'the account carries its id');

  // BATCH_GET with plain ids, one of them unknown.
  const batch = await client.batchGet({
    resourcePath: '/adAccounts', ids: [508000001, 508000002, 508999999],
    ...common,
  });
  check(batch.status === 200, 'BATCH_GET is 200');
  check(batch.data.results['508000001'] && batch.data.results['508000002'],
        'BATCH_GET results hold both known accounts');
  check(batch.data.errors && batch.data.errors['508999999'],
        'BATCH_GET errors hold the unknown account');

  // A finder with a Rest.li record query parameter.
  const found = await client.finder({
    resourcePath: '/adAccounts', finderName: 'search',
    queryParams: { search: { status: { values: ['ACTIVE', 'DRAFT'] } } },
    ...common,
  });
  check(found.status === 200 && Array.isArray(found.data.elements),
        'finder q=search answers elements');

  // adAnalytics over several accounts: URN list values encoded by the client.
  const analytics = await client.finder({
    resourcePath: '/adAnalytics', finderName: 'analytics',
    queryParams: {
      pivot: 'CAMPAIGN', timeGranularity: 'ALL',
      dateRange: { start: { year: 2024, month: 1, day: 1 },
                   end: { year: 2024, month: 1, day: 31 } },
      accounts: ['urn:li:sponsoredAccount:508000001',
                 'urn:li:sponsoredAccount:508000002'],
      fields: 'impressions,clicks,pivotValues,dateRange',
    },
    ...common,
  });
  check(analytics.status === 200 && Array.isArray(analytics.data.elements),
        'adAnalytics answers elements');

  // A missing version header is the platform's error, surfaced by the client.
  let error = null;
  try {
    await client.get({ resourcePath: '/adAccounts/{id}',
                       pathKeys: { id: 508000001 },
                       accessToken: 'compat-token', versionString: '201001' });
  } catch (e) {
    error = e;
  }
  check(error && error.response && error.response.status >= 400,
        'a sunset LinkedIn-Version is rejected');

  done('linkedin');
})().catch((e) => {
  console.error('FAILED with exception:', e && (e.response ? JSON.stringify(e.response.data) : (e.stack || e)));
  process.exit(1);
});
