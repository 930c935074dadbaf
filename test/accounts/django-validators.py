# Django 3.2's default password validators over the cases on stdin (JSON: [[password, user|null], ...]),
# answering one list of messages per case on stdout. test/accounts/password-validation.test.ts
# runs it (with Debian's /usr/bin/python3 and python3-django) to check the recorded answers.
import json
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],
    AUTH_PASSWORD_VALIDATORS=[
        {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},
        {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'},
        {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},
        {'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator'},
    ],
    USE_I18N=False,
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.password_validation import validate_password  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402

answers = []
for password, fields in json.load(sys.stdin):
    try:
        validate_password(password, None if fields is None else User(**fields))
        answers.append([])
    except ValidationError as error:
        answers.append(list(error.messages))
json.dump(answers, sys.stdout, ensure_ascii=False)
