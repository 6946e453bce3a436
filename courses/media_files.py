"""Documents and images created in code (demo content, course import) get what Wagtail's
upload forms give them: the file's size and hash.

Without a stored hash Wagtail serves a document with ``ETag: ""``, which a browser may
send back as ``If-None-Match: ""`` and get a 304 for a different file; it also leaves
Wagtail's duplicate detection blind. Touches the file only; the caller saves.
"""

from __future__ import annotations

from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage


def store_file_metadata(obj: AbstractDocument | AbstractImage) -> None:
    """Set ``file_size`` and ``file_hash`` on an unsaved (or re-saved) document or image,
    as Wagtail's own upload views do."""
    if isinstance(obj, AbstractImage):
        obj._set_image_file_metadata()
    else:
        obj._set_document_file_metadata()
