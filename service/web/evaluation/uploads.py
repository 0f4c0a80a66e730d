"""A CSV sent through a page form: a chosen file for the preview, the previewed text for the import."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile

from policies.core.errors import InvalidInput

# The previewed file travels back in this hidden field, so the import takes exactly what was shown.
PREVIEWED = "csv_text"


def read_upload(form: FormData) -> str:
    """Return the CSV a form sent: the chosen file (previewing) or the previewed text (importing)."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = upload.file.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                "Berkas CSV harus berenkode UTF-8; simpan ulang sebagai 'CSV UTF-8' lalu pilih lagi.",
                en="The CSV file must be encoded as UTF-8; save it again as 'CSV UTF-8' and choose it again.",
                field="file",
            ) from exc
    text = form.get(PREVIEWED)
    if isinstance(text, str) and text.strip():
        return text
    raise InvalidInput("Pilih berkas CSV terlebih dahulu.", en="Choose a CSV file first.", field="file")


def confirmed(form: FormData) -> bool:
    """Tell whether the form is the import of a previewed file (not a new file to preview)."""
    upload = form.get("file")
    return form.get("confirm") == "1" and not (isinstance(upload, UploadFile) and upload.filename)
