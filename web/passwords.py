"""Password rules whose messages Django's own catalogue leaves untranslated.

Django 5.2 reworded the minimum-length error ("%d" where it had "%(min_length)d"), and its
zh_Hans catalogue still carries only the old wording, so a Chinese page showed this one
error in English. The same words written here are extracted into locale/ and translated.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            self.min_length,
        ) % (self.min_length,)
