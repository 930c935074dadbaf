# Django 3.2's PasswordResetTokenGenerator and djoser's uid decoding, for
# test/accounts/link-tokens.test.ts. stdin: {"secret": ..., "users": [...], "uids": [...]};
# stdout: the token Django makes for each user at its timestamp, and what each uid decodes to.
import json
import sys

import django
from django.conf import settings

settings.configure(INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'], USE_TZ=True, SECRET_KEY='x')
django.setup()

from datetime import datetime, timezone  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402
from djoser.utils import decode_uid  # noqa: E402

request = json.load(sys.stdin)
generator = PasswordResetTokenGenerator()
generator.secret = request['secret']
tokens = []
for fields in request['users']:
    last_login = None if fields['last_login'] is None else datetime.fromisoformat(fields['last_login']).replace(tzinfo=timezone.utc)
    user = User(id=fields['id'], password=fields['password'], last_login=last_login, email=fields['email'])
    tokens.append(generator._make_token_with_timestamp(user, fields['timestamp']))
uids = []
for uid in request['uids']:
    try:
        uids.append(int(decode_uid(uid)))
    except (ValueError, TypeError, OverflowError):
        uids.append(None)
json.dump({'tokens': tokens, 'uids': uids}, sys.stdout)
