"""Private files (uploads) go out only through a view that has checked who asks.

MEDIA_ROOT is served by no URL; a view fetches the object through its guarded lookup,
decides whether this user may read the file, and calls `serve_private`.
"""

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404


def serve_private(request, field_file, *, allowed: bool) -> FileResponse:
    """The file as a download, or 404 when not allowed or missing (never a hint which)."""
    if not allowed or not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = PurePath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
