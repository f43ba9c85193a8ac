# Manual check (not part of meson test): runs TikTok's official Python SDK,
# unchanged, against adbatch-sim's TikTok port.
#
#   git clone https://github.com/tiktok/tiktok-business-api-sdk /tmp/ttsdk
#   adbatch-sim -c sim.yaml &          # tiktok on port 18103, tls off or on
#   python3 tiktok_sdk_smoke.py 18103 /tmp/ttsdk/python_sdk
#
# Needs urllib3, six, certifi, python-dateutil (the SDK's requirements).
import sys
sys.path.insert(0, sys.argv[2])
import business_api_client
from business_api_client.api.account_management_api import AccountManagementApi
from business_api_client.api.campaign_creation_api import CampaignCreationApi
from business_api_client.api.reporting_api import ReportingApi

cfg = business_api_client.Configuration()
cfg.host = 'http://127.0.0.1:' + sys.argv[1]
client = business_api_client.ApiClient(cfg)
tok = 'sdk-token'
a1, a2 = '7000000000000000001', '7000000000000000002'

r = AccountManagementApi(client).advertiser_info([a1, '42', a2], tok, fields=['name', 'advertiser_id', 'currency'])
print('advertiser_info', r['data']['list'])
r = CampaignCreationApi(client).campaign_get(a1, tok, page=1, page_size=5,
      filtering={'campaign_ids': ['1800000000010000001', '1800000000010000002']},
      fields=['campaign_id', 'campaign_name', 'advertiser_id'])
print('campaign_get', r['data'])
r = ReportingApi(client).report_integrated_get('BASIC', tok, advertiser_id=a1, data_level='AUCTION_CAMPAIGN',
      dimensions=['campaign_id', 'stat_time_day'], metrics=['spend', 'impressions'],
      start_date='2024-01-01', end_date='2024-01-02', page=1, page_size=3,
      filtering=[{'field_name': 'campaign_ids', 'filter_type': 'IN', 'filter_value': '["1800000000010000001"]'}])
print('report', r['data'])
r = ReportingApi(client).report_integrated_get('BASIC', tok, advertiser_id=a1, data_level='AUCTION_ADVERTISER',
      dimensions=['advertiser_id'], metrics=['spend'], query_lifetime=True)
print('lifetime', r['data'])
# The creative library, audiences and ads' creative fields (issue #9).
from business_api_client.api.ad_api import AdApi
from business_api_client.api.audience_api import AudienceApi
from business_api_client.api.file_api import FileApi
import time
time.sleep(1.1)  # 5 calls a second per advertiser (code 40133)
r = FileApi(client).ad_video_search(a1, tok, filtering={'video_ids': ['v-1-1']}, page_size=100)
print('ad_video_search', r['data'])
r = AudienceApi(client).dmp_custom_audience_list(a1, tok, custom_audience_ids=['1840000000000001001'])
print('dmp_custom_audience_list', r['data'])
time.sleep(1.1)
r = AudienceApi(client).dmp_saved_audience_list(a1, tok)
print('dmp_saved_audience_list', len(r['data']['list']), r['data']['page_info'])
r = AdApi(client).ad_get(a1, tok, page_size=2, fields=['ad_id', 'video_id', 'image_ids'])
print('ad_get', r['data']['list'])
time.sleep(1.1)
for name, call in [
    ('101 ids', lambda: AccountManagementApi(client).advertiser_info([str(7000000000000000000 + i) for i in range(1, 102)], tok)),
    ('page_size 1001', lambda: CampaignCreationApi(client).campaign_get(a1, tok, page_size=1001)),
    ('bad token', lambda: CampaignCreationApi(client).campaign_get(a1, 'invalid-tok')),
]:
    try:
        call(); print(name, 'NO ERROR')
    except Exception as e:
        print(name, '->', type(e).__name__, getattr(e, 'error_code', None), getattr(e, 'message', e))
n = 0
try:
    while n < 1000:
        CampaignCreationApi(client).campaign_get(a2, tok); n += 1
except Exception as e:
    print('after', n, 'calls ->', type(e).__name__, getattr(e, 'error_code', None), getattr(e, 'message', e))
