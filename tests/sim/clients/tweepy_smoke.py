# Manual check (not part of meson test): runs tweepy, unchanged, against
# adbatch-sim's X port. tweepy hard-codes https://api.twitter.com, so
# requests' Session is pointed at the simulator instead.
#
#   pip install tweepy                 # or put tweepy, requests_oauthlib and
#                                      # oauthlib sources in a directory
#   adbatch-sim -c sim.yaml &          # twitter on port 18105
#   python3 tweepy_smoke.py 18105 [dir with the sources]
import sys
if len(sys.argv) > 2:
    sys.path.insert(0, sys.argv[2])
import requests
base = 'http://127.0.0.1:' + sys.argv[1]
orig = requests.Session.request
def redirect(self, method, url, *a, **kw):
    return orig(self, method, url.replace('https://api.twitter.com', base), *a, **kw)
requests.Session.request = redirect
import tweepy

c = tweepy.Client(bearer_token='AAAA-sim')
uid = lambda u: str(1500000000000000000 + u)
tid = lambda k: str(1700000000000000000 + k)
r = c.get_users(ids=[uid(1), uid(2), '99'], user_fields=['created_at', 'public_metrics'])
print('get_users', [(u.id, u.username, u.created_at) for u in r.data], [e['resource_id'] for e in r.errors])
r = c.get_users(usernames=['sim3', 'SIM4'])
print('get_users by name', [u.id for u in r.data])
r = c.get_user(username='sim5', user_fields=['pinned_tweet_id'], expansions='pinned_tweet_id')
print('get_user', r.data.id, r.data.pinned_tweet_id, r.includes)
r = c.get_tweets(ids=[tid(10), tid(11)], expansions='author_id', tweet_fields=['created_at', 'public_metrics'])
print('get_tweets', [(t.id, t.author_id, t.created_at) for t in r.data], [u.username for u in r.includes['users']])
r = c.get_tweet(tid(12))
print('get_tweet', r.data.id, r.data.text)
try:
    c.get_users(ids=[uid(i) for i in range(1, 102)])
except tweepy.BadRequest as e:
    print('101 ids -> BadRequest', e.response.status_code, e.api_messages[:1])
try:
    tweepy.Client(bearer_token='invalid').get_users(ids=[uid(1)])
except tweepy.Unauthorized as e:
    print('bad token -> Unauthorized', e.response.status_code)
n = 0
try:
    while n < 2000:
        c.get_tweet(tid(12)); n += 1
except tweepy.TooManyRequests as e:
    h = e.response.headers
    print('after', n, 'calls -> TooManyRequests', e.response.status_code, h['x-rate-limit-limit'], h['x-rate-limit-remaining'], h['x-rate-limit-reset'], e.api_codes)
