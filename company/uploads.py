"""Uploaded documents: checked by what the bytes are, never by the file's name.

A PDF starts with `%PDF-`, a PNG with its 8-byte signature, a JPEG with FF D8 FF; the
`filetype` library reads those signatures. A file whose content is none of them is
refused whatever its name; so is one whose name claims another type than its content
(a `.pdf` holding PNG bytes: whoever opens it later trusts the name), and one over
`COMPANY_UPLOAD_MAX_BYTES`.
"""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Content type -> the file-name endings that may carry it.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
# The signatures above all sit in the first bytes; 262 is what filetype needs at most.
HEAD_BYTES = 262


def sniff(upload) -> str | None:
    """The MIME type the content shows, or None if it is not one we know."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_document(upload) -> None:
    """Refuse anything but a PDF, JPEG or PNG (by content) within the size limit."""
    limit = settings.COMPANY_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    endings = ALLOWED_TYPES.get(sniff(upload))
    if endings is None:
        raise ValidationError(
            _("Only PDF, JPEG or PNG files are accepted; this file's content is not one."),
            code="file_type",
        )
    if PurePath(upload.name or "").suffix.lower() not in endings:
        raise ValidationError(
            _("The file's name does not match its content; rename it or choose another file."),
            code="file_name_mismatch",
        )
